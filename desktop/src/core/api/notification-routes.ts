import { InboxQuery, MarkReadBody, PulseQuery } from '../../contracts/notifications.ts';
import type { NotificationsService } from '../notifications/service.ts';
import { CALENDAR_DOWNLOAD, type NotificationsOnline } from '../notifications/online.ts';
import { AnnouncementInput, NotificationPreferences } from '@lyceum/contracts';
import { CourseIdParam } from '../../contracts/app.ts';
import { parseInput, type LocalRoute } from './routes.ts';

/**
 * The inbox, the Upcoming view, the badge's long poll and the OS notifications to show (all offline), and the
 * calendar link and file (online).
 */
export function notificationRoutes(s: {
  notifications: NotificationsService;
  online: NotificationsOnline;
}): LocalRoute[] {
  return [
    {
      method: 'GET',
      path: '/api/notifications',
      handler: ({ query }) => {
        const q = parseInput(InboxQuery, query, 'query');
        return s.notifications.inbox({ unreadOnly: q.unread === 'true', limit: q.limit });
      },
    },
    {
      method: 'POST',
      path: '/api/notifications/read',
      handler: ({ body }) => s.notifications.markRead(parseInput(MarkReadBody, body, 'body')),
    },
    {
      method: 'GET',
      path: '/api/notifications/pulse',
      handler: ({ query }) => {
        const q = parseInput(PulseQuery, query, 'query');
        return s.notifications.watch(q.since, q.wait);
      },
    },
    {
      method: 'POST',
      path: '/api/notifications/alerts/claim',
      handler: () => s.notifications.claimAlerts(),
    },
    { method: 'GET', path: '/api/upcoming', handler: () => s.notifications.upcoming() },
    { method: 'GET', path: '/api/calendar', handler: () => s.online.calendar() },
    {
      method: 'GET',
      path: '/api/notification-preferences',
      handler: () => s.online.preferences(),
    },
    {
      method: 'PUT',
      path: '/api/notification-preferences',
      handler: ({ body }) => s.online.putPreferences(parseInput(NotificationPreferences, body, 'body')),
    },
    {
      method: 'GET',
      path: '/api/teach/courses/:id/announcements',
      handler: ({ params }) => s.online.announcements(parseInput(CourseIdParam, params, 'params').id),
    },
    {
      method: 'POST',
      path: '/api/teach/courses/:id/announcements',
      status: 201,
      handler: ({ params, body }) =>
        s.online.announce(
          parseInput(CourseIdParam, params, 'params').id,
          parseInput(AnnouncementInput, body, 'body'),
        ),
    },
    {
      method: 'GET',
      path: CALENDAR_DOWNLOAD,
      raw: true,
      handler: async ({ res }) => {
        const ics = await s.online.calendarFile();
        res.writeHead(200, {
          'content-type': 'text/calendar; charset=utf-8',
          'content-disposition': 'attachment; filename="lyceum-deadlines.ics"',
          'cache-control': 'no-store',
        });
        res.end(ics);
      },
    },
  ];
}
