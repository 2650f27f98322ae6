import type { z } from 'zod';
import {
  Announcement,
  AnnouncementInput,
  AnnouncementList,
  CalendarFeedQuery,
  DeliveryLog,
  DeliveryLogQuery,
  PlatformAnnouncementInput,
  RetryDeliveries,
  RetryDeliveriesResult,
  CalendarLink,
  DeadlineList,
  DeadlinesQuery,
  MarkNotificationsRead,
  MarkNotificationsReadResult,
  NotificationList,
  NotificationListQuery,
  NotificationPreferences,
} from '@lyceum/contracts';
import type { Endpoint } from '../http.ts';

type AnyEndpoint = Endpoint<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | null>;

/** The signed-in user's notifications, preferences, deadlines and calendar feed; course announcements. */
export const notificationEndpoints = {
  listMyNotifications: {
    method: 'GET',
    path: '/api/v1/me/notifications',
    query: NotificationListQuery,
    response: NotificationList,
  },
  markNotificationsRead: {
    method: 'POST',
    path: '/api/v1/me/notifications/read',
    body: MarkNotificationsRead,
    response: MarkNotificationsReadResult,
  },
  getNotificationPreferences: {
    method: 'GET',
    path: '/api/v1/me/notification-preferences',
    response: NotificationPreferences,
  },
  putNotificationPreferences: {
    method: 'PUT',
    path: '/api/v1/me/notification-preferences',
    body: NotificationPreferences,
    response: NotificationPreferences,
  },
  createCourseAnnouncement: {
    method: 'POST',
    path: '/api/v1/courses/:id/announcements',
    body: AnnouncementInput,
    response: Announcement,
  },
  listCourseAnnouncements: {
    method: 'GET',
    path: '/api/v1/courses/:id/announcements',
    response: AnnouncementList,
  },
  listMyDeadlines: {
    method: 'GET',
    path: '/api/v1/me/deadlines',
    query: DeadlinesQuery,
    response: DeadlineList,
  },
  getCalendarLink: { method: 'GET', path: '/api/v1/me/calendar', response: CalendarLink },
  /** The iCalendar feed (text/calendar, no JSON schema); its signed token replaces signing in. */
  getCalendarFeed: {
    method: 'GET',
    path: '/api/v1/me/calendar.ics',
    query: CalendarFeedQuery,
    response: null,
    auth: false,
  },
  // --- admins (the console): platform announcements, the delivery log, failed deliveries ---
  createPlatformAnnouncement: {
    method: 'POST',
    path: '/api/v1/admin/announcements',
    body: PlatformAnnouncementInput,
    response: Announcement,
  },
  listPlatformAnnouncements: {
    method: 'GET',
    path: '/api/v1/admin/announcements',
    response: AnnouncementList,
  },
  listEmailDeliveries: {
    method: 'GET',
    path: '/api/v1/admin/notifications/deliveries',
    query: DeliveryLogQuery,
    response: DeliveryLog,
  },
  listFailedDeliveries: {
    method: 'GET',
    path: '/api/v1/admin/notifications/failed',
    query: DeliveryLogQuery.omit({ status: true }),
    response: DeliveryLog,
  },
  retryFailedDeliveries: {
    method: 'POST',
    path: '/api/v1/admin/notifications/failed/retry',
    body: RetryDeliveries,
    response: RetryDeliveriesResult,
  },
} as const satisfies Record<string, AnyEndpoint>;
