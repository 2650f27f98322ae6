import { z } from 'zod';
import { Id, IsoDateTime, MarkNotificationsRead } from '@lyceum/contracts';

/**
 * The local API of notifications (issue 14): the inbox kept in SQLite through sync, the Upcoming view of what is due,
 * and the OS notifications the renderer shows (server notifications and reminders scheduled on the device).
 */

/** A notification as the server sends it by sync (entity `notification`); unknown extra fields are kept. */
export const PulledNotification = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  courseId: z.string().nullable().optional(),
  lessonId: z.string().nullable().optional(),
  title: z.string(),
  body: z.string().default(''),
  url: z.string().nullable().optional(),
  dedupeKey: z.string().min(1),
  createdAt: IsoDateTime,
  readAt: IsoDateTime.nullable().optional(),
  /** Whether the student wants an OS notification for it (their push preference when it was made). */
  push: z.boolean().default(true),
});
export type PulledNotification = z.infer<typeof PulledNotification>;

export const NotificationView = z.object({
  id: z.string(),
  type: z.string(),
  courseId: z.string().nullable(),
  lessonId: z.string().nullable(),
  title: z.string(),
  body: z.string(),
  /** Where it leads in the app (a lesson, a course, My purchases…), or null. */
  href: z.string().nullable(),
  dedupeKey: z.string(),
  createdAt: IsoDateTime,
  readAt: IsoDateTime.nullable(),
});
export type NotificationView = z.infer<typeof NotificationView>;

export const InboxView = z.object({
  items: z.array(NotificationView),
  unread: z.number().int(),
  /** Older notifications exist beyond `limit`. */
  more: z.boolean(),
});
export type InboxView = z.infer<typeof InboxView>;

export const InboxQuery = z
  .object({
    unread: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

/** POST /api/notifications/read: these ids, or every notification (the sync mutation's arguments). */
export const MarkReadBody = MarkNotificationsRead;
export type MarkReadBody = z.infer<typeof MarkReadBody>;

/** What the badge needs, and whether OS notifications wait to be shown. `key` changes whenever either does. */
export const NotificationPulse = z.object({
  key: z.string(),
  unread: z.number().int(),
  alertsWaiting: z.number().int(),
});
export type NotificationPulse = z.infer<typeof NotificationPulse>;

export const PulseQuery = z
  .object({
    /** Answer when the pulse differs from this key (long poll, at most `wait` ms). */
    since: z.string().max(200).optional(),
    wait: z.coerce.number().int().min(0).max(30_000).default(25_000),
  })
  .strict();

export const ReminderOffset = z.enum(['24h', '1h']);
export type ReminderOffset = z.infer<typeof ReminderOffset>;

/** An OS notification to show now: a reminder the device scheduled, or a notification that arrived by sync. */
export const AlertView = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('deadline'),
    dedupeKey: z.string(),
    courseId: Id,
    courseTitle: z.string(),
    lessonId: Id,
    lessonTitle: z.string(),
    dueAt: IsoDateTime,
    offset: ReminderOffset,
    href: z.string(),
  }),
  z.object({
    kind: z.literal('notification'),
    dedupeKey: z.string(),
    id: z.string(),
    type: z.string(),
    title: z.string(),
    body: z.string(),
    href: z.string().nullable(),
  }),
]);
export type AlertView = z.infer<typeof AlertView>;

export const AlertList = z.object({ items: z.array(AlertView) });
export type AlertList = z.infer<typeof AlertList>;

/** One thing due in an enrolled course (the Upcoming view). */
export const UpcomingItem = z.object({
  courseId: Id,
  courseTitle: z.string(),
  lessonId: Id,
  lessonTitle: z.string(),
  kind: z.string(),
  dueAt: IsoDateTime,
  overdue: z.boolean(),
  href: z.string(),
});
export type UpcomingItem = z.infer<typeof UpcomingItem>;

export const UpcomingView = z.object({
  items: z.array(UpcomingItem),
  /** Enrolled courses whose structure is not on this device yet (their due dates are unknown offline). */
  coursesMissing: z.number().int(),
});
export type UpcomingView = z.infer<typeof UpcomingView>;

/** The calendar subscription link (the server's signed per-user feed URL) and where to download the file here. */
export const CalendarView = z.object({
  /** https/http URL of the feed: calendar apps subscribe to it. */
  url: z.string(),
  /** The same as webcal://, which calendar apps open directly. */
  webcalUrl: z.string(),
  expiresAt: IsoDateTime,
  /** The local API path that downloads the same file. */
  downloadPath: z.string(),
});
export type CalendarView = z.infer<typeof CalendarView>;
