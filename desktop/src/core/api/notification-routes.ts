import { InboxQuery, MarkReadBody, PulseQuery } from '../notifications-schemas.ts';
import type { NotificationsService } from '../notifications/service.ts';
import { parseInput, type LocalRoute } from './routes.ts';

/** The inbox, the Upcoming view, the badge's long poll and the OS notifications to show. All work offline. */
export function notificationRoutes(s: { notifications: NotificationsService }): LocalRoute[] {
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
  ];
}
