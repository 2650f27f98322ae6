import {
  Announcement,
  AnnouncementList,
  NotificationPreferences,
  type AnnouncementInput,
} from '@lyceum/contracts';
import {
  AlertList,
  InboxView,
  NotificationPulse,
  UpcomingView,
  CalendarView,
  type MarkReadBody,
} from '../../contracts/notifications.ts';
import { call } from './api.ts';
import { LOCAL_CHANGE } from './learning-api.ts';

/** The local API of notifications: everything here works offline (marking read syncs later). */
export const notificationsApi = {
  inbox: (unreadOnly = false) =>
    call(InboxView, 'GET', `/api/notifications${unreadOnly ? '?unread=true' : ''}`),
  markRead: (body: MarkReadBody) =>
    call(InboxView, 'POST', '/api/notifications/read', body).then((v) => {
      dispatchEvent(new Event(LOCAL_CHANGE));
      return v;
    }),
  /** Answers once the badge or the waiting OS notifications differ from `since` (a long poll of at most `wait` ms). */
  pulse: (since: string | null, wait: number, signal?: AbortSignal) =>
    call(
      NotificationPulse,
      'GET',
      `/api/notifications/pulse?wait=${wait}${since === null ? '' : `&since=${encodeURIComponent(since)}`}`,
      undefined,
      signal,
    ),
  claimAlerts: () => call(AlertList, 'POST', '/api/notifications/alerts/claim', {}),
  upcoming: () => call(UpcomingView, 'GET', '/api/upcoming'),
};

/** The calendar feed's subscription link (online only: `offline` otherwise). */
export const calendarApi = {
  link: () => call(CalendarView, 'GET', '/api/calendar'),
};

/** Notification settings, kept on the server (online only). */
export const notificationPrefsApi = {
  get: () => call(NotificationPreferences, 'GET', '/api/notification-preferences'),
  put: (body: NotificationPreferences) =>
    call(NotificationPreferences, 'PUT', '/api/notification-preferences', body),
};

/** A course's announcements (Teach): list with delivered/read counts, and send one (online only). */
export const announcementsApi = {
  list: (courseId: string) =>
    call(AnnouncementList, 'GET', `/api/teach/courses/${encodeURIComponent(courseId)}/announcements`),
  send: (courseId: string, body: AnnouncementInput) =>
    call(Announcement, 'POST', `/api/teach/courses/${encodeURIComponent(courseId)}/announcements`, body),
};
