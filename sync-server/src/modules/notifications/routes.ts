import {
  Announcement,
  AnnouncementInput,
  AnnouncementList,
  DeliveryLog,
  DeliveryLogQuery,
  IdParams,
  MarkNotificationsRead,
  MarkNotificationsReadResult,
  NotificationList,
  NotificationListQuery,
  NotificationPreferences,
  PlatformAnnouncementInput,
  RetryDeliveries,
  RetryDeliveriesResult,
  UnsubscribeQuery,
  UnsubscribeResult,
} from '@lyceum/contracts';
import { ApiError } from '../../http/errors.ts';
import { Raw, route, type AnyRoute, type Caller } from '../../http/route.ts';
import type { AnnouncementService } from './announcements.ts';
import type { DeliveryLogService } from './delivery-log.ts';
import type { InboxService } from './inbox.ts';
import { escapeHtml } from './markdown.ts';
import type { PreferenceService } from './preferences.ts';
import type { TokenCheck } from './tokens.ts';

const me = (user: Caller | null) => user!;

export interface NotificationRouteDeps {
  inbox: InboxService;
  preferences: PreferenceService;
  announcements: AnnouncementService;
  log: DeliveryLogService;
  /** Verify an unsubscribe token and that its account exists. */
  checkToken(token: string): Promise<TokenCheck>;
  /** Failed deliveries went back to pending: run the delivery sweep now. */
  onRetry(): Promise<void>;
  /** After a read change: the user's other devices update their badge. */
  onRead(userId: string, unread: number): void;
}

const refuse = (check: Exclude<TokenCheck, { ok: true }>) =>
  check.reason === 'expired'
    ? new ApiError(
        'signature_expired',
        'This unsubscribe link has expired; change your email settings in Lyceum',
      )
    : new ApiError('signature_invalid', 'This unsubscribe link is not valid');

export function notificationRoutes(d: NotificationRouteDeps): AnyRoute[] {
  const tags = ['notifications'];
  return [
    route({
      method: 'get',
      path: '/api/v1/me/notifications',
      operationId: 'listMyNotifications',
      summary: "The caller's inbox, newest first, with the unread count",
      tags,
      access: 'user',
      query: NotificationListQuery,
      response: NotificationList,
      errors: ['validation_failed'],
      handler: ({ query, user }) => d.inbox.list(me(user).id, query),
    }),
    route({
      method: 'post',
      path: '/api/v1/me/notifications/read',
      operationId: 'markNotificationsRead',
      summary: 'Mark notifications read: {ids} (the caller’s own) or {all: true}',
      tags,
      access: 'user',
      body: MarkNotificationsRead,
      response: MarkNotificationsReadResult,
      errors: ['validation_failed'],
      handler: async ({ body, user }) => {
        const r = await d.inbox.markRead(me(user).id, body);
        if (r.marked) d.onRead(me(user).id, r.unread);
        return r;
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/me/notification-preferences',
      operationId: 'getNotificationPreferences',
      summary: 'Per type × channel choices, muted courses, quiet hours',
      tags,
      access: 'user',
      response: NotificationPreferences,
      handler: ({ user }) => d.preferences.get(me(user).id),
    }),
    route({
      method: 'put',
      path: '/api/v1/me/notification-preferences',
      operationId: 'putNotificationPreferences',
      summary: 'Replace the notification preferences',
      tags,
      access: 'user',
      body: NotificationPreferences,
      response: NotificationPreferences,
      errors: ['validation_failed'],
      handler: ({ body, user }) => d.preferences.put(me(user).id, body),
    }),
    route({
      method: 'post',
      path: '/api/v1/courses/:id/announcements',
      operationId: 'createCourseAnnouncement',
      summary:
        "An instructor's announcement to the course's students (now, or at sendAt; optionally by email)",
      tags,
      access: 'instructor',
      params: IdParams,
      body: AnnouncementInput,
      response: Announcement,
      status: 201,
      errors: ['not_found', 'forbidden', 'validation_failed'],
      handler: ({ params, body, user }) => d.announcements.toCourse(me(user), params.id, body),
    }),
    route({
      method: 'get',
      path: '/api/v1/courses/:id/announcements',
      operationId: 'listCourseAnnouncements',
      summary: "A course's announcements with delivered, read and emailed counts (its instructors)",
      tags,
      access: 'instructor',
      params: IdParams,
      response: AnnouncementList,
      errors: ['not_found', 'forbidden'],
      handler: async ({ params, user }) => ({
        items: await d.announcements.listForCourse(me(user), params.id),
      }),
    }),
    route({
      method: 'post',
      path: '/api/v1/admin/announcements',
      operationId: 'createPlatformAnnouncement',
      summary: 'A platform announcement to everyone or to one role',
      tags,
      access: 'admin',
      body: PlatformAnnouncementInput,
      response: Announcement,
      status: 201,
      errors: ['validation_failed'],
      handler: ({ body, user }) => d.announcements.toPlatform(me(user), body),
    }),
    route({
      method: 'get',
      path: '/api/v1/admin/announcements',
      operationId: 'listPlatformAnnouncements',
      summary: 'Platform announcements with delivered, read and emailed counts',
      tags,
      access: 'admin',
      response: AnnouncementList,
      handler: async () => ({ items: await d.announcements.listPlatform() }),
    }),
    route({
      method: 'get',
      path: '/api/v1/admin/notifications/failed',
      operationId: 'listFailedDeliveries',
      summary: 'Emails that failed after every retry',
      tags,
      access: 'admin',
      query: DeliveryLogQuery.omit({ status: true }).strict(),
      response: DeliveryLog,
      errors: ['validation_failed'],
      handler: ({ query }) => d.log.list({ ...query, status: 'failed' }),
    }),
    route({
      method: 'post',
      path: '/api/v1/admin/notifications/failed/retry',
      operationId: 'retryFailedDeliveries',
      summary:
        'Try failed emails again: back to pending with their attempts from zero, sent by the next sweep',
      tags,
      access: 'admin',
      body: RetryDeliveries,
      response: RetryDeliveriesResult,
      errors: ['validation_failed'],
      handler: async ({ body }) => {
        const retried = await d.log.retry(body.ids);
        if (retried) await d.onRetry();
        return { retried };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/admin/notifications/deliveries',
      operationId: 'listEmailDeliveries',
      summary: 'The email delivery log, newest first (by status, recipient, type, channel)',
      tags,
      access: 'admin',
      query: DeliveryLogQuery,
      response: DeliveryLog,
      errors: ['validation_failed'],
      handler: ({ query }) => d.log.list(query),
    }),
    route({
      method: 'get',
      path: '/api/v1/unsubscribe',
      operationId: 'unsubscribePage',
      summary: 'The page an unsubscribe link opens (no sign-in): confirms with one button',
      tags,
      access: 'public',
      query: UnsubscribeQuery,
      response: null,
      produces: 'text/html',
      errors: ['signature_invalid', 'signature_expired'],
      handler: async ({ query }) => {
        const check = await d.checkToken(query.token);
        if (!check.ok) throw refuse(check);
        const token = escapeHtml(encodeURIComponent(query.token));
        return new Raw(
          'text/html; charset=utf-8',
          `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Unsubscribe</title></head><body>` +
            `<main><h1>Unsubscribe</h1><p>Stop emails about “${escapeHtml(check.claims.type.replace(/_/g, ' '))}”?</p>` +
            `<form method="post" action="/api/v1/unsubscribe?token=${token}">` +
            `<input type="hidden" name="List-Unsubscribe" value="One-Click">` +
            `<button type="submit">Unsubscribe</button></form></main></body></html>`,
          { 'cache-control': 'no-store' },
        );
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/unsubscribe',
      operationId: 'unsubscribe',
      summary: 'RFC 8058 one-click unsubscribe (no sign-in): that email type off for the token’s account',
      tags,
      access: 'public',
      query: UnsubscribeQuery,
      response: UnsubscribeResult,
      errors: ['signature_invalid', 'signature_expired'],
      handler: async ({ query }) => {
        const check = await d.checkToken(query.token);
        if (!check.ok) throw refuse(check);
        await d.preferences.emailOff(check.claims.userId, check.claims.type);
        return { type: check.claims.type, email: 'off' as const };
      },
    }),
  ];
}
