import { z } from 'zod';
import { Id, IsoDateTime, Role, Text } from './common.ts';

/**
 * Notifications (issue 14): an inbox on the server (synced into the desktop), live push, email with one-click
 * unsubscribe, digests and announcements. Each notification belongs to one user and has a dedupe key that is unique
 * per user, so no path (a retried job, the outbox read twice, a desktop's own reminder) delivers the same thing twice.
 */
export const NotificationKind = z.enum([
  'content_released',
  'course_updated',
  'deadline_upcoming',
  'enrollment_confirmed',
  'payment_receipt',
  'refund_issued',
  'announcement',
  'grade_posted',
  'alert',
]);
export type NotificationKind = z.infer<typeof NotificationKind>;

/**
 * Dedupe keys (per user): `deadline:<lessonId>:<userId>:24h` / `:1h`, `release:<lessonId>`, `announcement:<id>`,
 * `payment:<orderId>`, `refund:<refundId>`, `enrollment:<courseId>`, `course:<courseId>:<version or event id>`.
 */
export const dedupeKeys = {
  deadline: (lessonId: string, userId: string, before: '24h' | '1h') =>
    `deadline:${lessonId}:${userId}:${before}`,
  release: (lessonId: string) => `release:${lessonId}`,
  announcement: (announcementId: string) => `announcement:${announcementId}`,
  payment: (orderId: string) => `payment:${orderId}`,
  refund: (refundId: string) => `refund:${refundId}`,
  enrollment: (courseId: string) => `enrollment:${courseId}`,
  courseUpdate: (courseId: string, eventId: string) => `course:${courseId}:${eventId}`,
  grade: (attemptId: string) => `grade:${attemptId}`,
};

export const DedupeKey = Text().min(1).max(300);

/** One inbox entry (also the sync entity `notification`, id = the notification's id). */
export const Notification = z
  .object({
    id: Id,
    type: NotificationKind,
    courseId: Id.nullable(),
    lessonId: Id.nullable(),
    title: Text(),
    /** Plain text (markdown source for announcements: render it with the safe renderer, never as HTML). */
    body: Text(),
    /** In-app link, e.g. /courses/<id>/lessons/<lessonId>. */
    url: Text().nullable(),
    dedupeKey: DedupeKey,
    createdAt: IsoDateTime,
    readAt: IsoDateTime.nullable(),
    /** Whether the user wants an OS notification for it (their push preference when it was made). */
    push: z.boolean(),
  })
  .meta({ id: 'Notification' });
export type Notification = z.infer<typeof Notification>;

export const NotificationListQuery = z
  .object({
    unread: z.enum(['true', 'false']).optional(),
    cursor: Text().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
export type NotificationListQuery = z.infer<typeof NotificationListQuery>;

export const NotificationList = z
  .object({
    items: z.array(Notification),
    nextCursor: Text().nullable(),
    unread: z.number().int().min(0),
  })
  .meta({ id: 'NotificationList' });
export type NotificationList = z.infer<typeof NotificationList>;

/** `{ids}` marks those (the caller's own; others' ids are ignored), `{all: true}` every unread one. */
export const MarkNotificationsRead = z
  .object({
    ids: z.array(Id).min(1).max(500).optional(),
    all: z.literal(true).optional(),
  })
  .strict()
  .refine((v) => (v.ids === undefined) !== (v.all === undefined), {
    message: 'Give either ids or all: true',
  });
export type MarkNotificationsRead = z.infer<typeof MarkNotificationsRead>;

export const MarkNotificationsReadResult = z
  .object({ marked: z.number().int().min(0), unread: z.number().int().min(0) })
  .meta({ id: 'MarkNotificationsReadResult' });
export type MarkNotificationsReadResult = z.infer<typeof MarkNotificationsReadResult>;

/** What socket.io `notification:new` carries. A fan-out sends one event to many users: id and unread are null then. */
export const NotificationLiveEvent = z.object({
  notification: Notification.omit({ id: true }).extend({ id: Id.nullable() }),
  unread: z.number().int().min(0).nullable(),
});
export type NotificationLiveEvent = z.infer<typeof NotificationLiveEvent>;
export const NOTIFICATION_EVENT = 'notification:new';

// ---------- preferences ----------

/** Email: immediately, in the daily or weekly digest, or not at all. */
export const EmailMode = z.enum(['immediately', 'daily', 'weekly', 'off']);
export type EmailMode = z.infer<typeof EmailMode>;
/** Live/OS notification (push): on (immediately) or off. The inbox always keeps every notification (unless muted). */
export const InstantMode = z.enum(['immediately', 'off']);
export type InstantMode = z.infer<typeof InstantMode>;

export const ChannelChoice = z.object({ push: InstantMode, email: EmailMode }).strict();
export type ChannelChoice = z.infer<typeof ChannelChoice>;

const HourMinute = Text().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour clock');

export const NotificationPreferences = z
  .object({
    types: z.record(NotificationKind, ChannelChoice),
    /** Courses whose notifications are not delivered at all (payments and alerts still are). */
    mutedCourses: z.array(Id).max(1000),
    /** Emails due inside this window (in `timezone`) wait until it ends: deferred, never dropped. */
    quietHours: z.object({ start: HourMinute, end: HourMinute }).strict().nullable(),
    /** IANA time zone for quiet hours and digests. */
    timezone: Text()
      .min(1)
      .max(64)
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'An IANA time zone such as Europe/Paris'),
  })
  .strict()
  .meta({ id: 'NotificationPreferences' });
export type NotificationPreferences = z.infer<typeof NotificationPreferences>;

/** Sensible defaults: everything in the inbox; email for what a person must not miss; push for the rest. */
export const defaultNotificationPreferences: NotificationPreferences = {
  types: {
    content_released: { push: 'immediately', email: 'daily' },
    course_updated: { push: 'off', email: 'weekly' },
    deadline_upcoming: { push: 'immediately', email: 'immediately' },
    enrollment_confirmed: { push: 'off', email: 'immediately' },
    payment_receipt: { push: 'off', email: 'immediately' },
    refund_issued: { push: 'off', email: 'immediately' },
    announcement: { push: 'immediately', email: 'immediately' },
    grade_posted: { push: 'immediately', email: 'daily' },
    alert: { push: 'immediately', email: 'off' },
  },
  mutedCourses: [],
  quietHours: null,
  timezone: 'UTC',
};

// ---------- announcements ----------

export const AnnouncementInput = z
  .object({
    title: Text().trim().min(1).max(200),
    /** Markdown (rendered safely: no raw HTML, only http(s)/mailto links). */
    body: Text().trim().min(1).max(20_000),
    /** Send later (N-schedule's scheduler sends it then); now when absent or past. */
    sendAt: IsoDateTime.optional(),
    /** Also by email (each student's email preference for announcements still applies; off = no email). */
    email: z.boolean().default(false),
  })
  .strict();
export type AnnouncementInput = z.infer<typeof AnnouncementInput>;

export const PlatformAnnouncementInput = AnnouncementInput.extend({
  /** Everyone when absent. */
  role: Role.optional(),
}).strict();
export type PlatformAnnouncementInput = z.infer<typeof PlatformAnnouncementInput>;

export const Announcement = z
  .object({
    id: Id,
    courseId: Id.nullable(),
    role: Role.nullable(),
    authorId: Id,
    title: Text(),
    body: Text(),
    /** The body rendered to safe HTML. */
    bodyHtml: Text(),
    email: z.boolean(),
    sendAt: IsoDateTime,
    status: z.enum(['scheduled', 'sent']),
    sentAt: IsoDateTime.nullable(),
    /** Inbox rows written. */
    delivered: z.number().int().min(0),
    read: z.number().int().min(0),
    emailed: z.number().int().min(0),
    createdAt: IsoDateTime,
  })
  .meta({ id: 'Announcement' });
export type Announcement = z.infer<typeof Announcement>;

export const AnnouncementList = z.object({ items: z.array(Announcement) }).meta({ id: 'AnnouncementList' });
export type AnnouncementList = z.infer<typeof AnnouncementList>;

// ---------- unsubscribe ----------

export const UnsubscribeQuery = z.object({ token: Text().min(1).max(1000) }).strict();
export const UnsubscribeResult = z
  .object({
    type: NotificationKind,
    /** What the email preference of that type is now. */
    email: z.literal('off'),
  })
  .meta({ id: 'UnsubscribeResult' });
export type UnsubscribeResult = z.infer<typeof UnsubscribeResult>;

// ---------- admin: delivery log ----------

export const DeliveryStatus = z.enum(['pending', 'sent', 'failed', 'cancelled']);
export const EmailDelivery = z
  .object({
    id: Id,
    userId: Id,
    email: Text(),
    notificationId: Id.nullable(),
    type: NotificationKind.nullable(),
    /** immediately, or the digest it belongs to. */
    mode: z.enum(['immediately', 'daily', 'weekly']),
    status: DeliveryStatus,
    attempts: z.number().int().min(0),
    lastError: Text().nullable(),
    notBefore: IsoDateTime,
    createdAt: IsoDateTime,
    sentAt: IsoDateTime.nullable(),
  })
  .meta({ id: 'EmailDelivery' });
export type EmailDelivery = z.infer<typeof EmailDelivery>;

export const DeliveryLogQuery = z
  .object({
    status: DeliveryStatus.optional(),
    /** The recipient: part of their email address (case-insensitive), or their account id. */
    user: Text().trim().min(1).max(200).optional(),
    type: NotificationKind.optional(),
    /** The email channel: sent immediately, or in the daily / weekly digest. */
    mode: z.enum(['immediately', 'daily', 'weekly']).optional(),
    cursor: Text().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .strict();
export const DeliveryLog = z
  .object({ items: z.array(EmailDelivery), nextCursor: Text().nullable() })
  .meta({ id: 'DeliveryLog' });
export type DeliveryLog = z.infer<typeof DeliveryLog>;
export type DeliveryLogQuery = z.input<typeof DeliveryLogQuery>;

/** Failed email deliveries to try again (admins): back to pending, attempts from zero, sent by the next sweep. */
export const RetryDeliveries = z.object({ ids: z.array(Id).min(1).max(100) }).strict();
export type RetryDeliveries = z.infer<typeof RetryDeliveries>;
export const RetryDeliveriesResult = z
  .object({ retried: z.number().int().min(0) })
  .meta({ id: 'RetryDeliveriesResult' });
export type RetryDeliveriesResult = z.infer<typeof RetryDeliveriesResult>;
