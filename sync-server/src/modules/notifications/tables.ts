import { boolean, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Migration 0018_notifications.sql: one inbox entry of one user; the dedupe key is unique per user. */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id').notNull(),
    type: text('type').notNull(),
    courseId: uuid('course_id'),
    lessonId: uuid('lesson_id'),
    title: text('title').notNull(),
    body: text('body').notNull(),
    url: text('url'),
    dedupeKey: text('dedupe_key').notNull(),
    push: boolean('push').notNull().default(true),
    announcementId: uuid('announcement_id'),
    createdAt: tstz('created_at').notNull().defaultNow(),
    readAt: tstz('read_at'),
  },
  (t) => [
    unique().on(t.userId, t.dedupeKey),
    index('notifications_inbox_idx').on(t.userId, t.createdAt.desc(), t.id.desc()),
  ],
);
export type NotificationRow = typeof notifications.$inferSelect;

/** Email deliveries: immediate (after quiet hours) or waiting for a digest; failed ones are the admins' list. */
export const notificationEmails = pgTable('notification_emails', {
  id: uuid('id').primaryKey(),
  notificationId: uuid('notification_id'),
  userId: uuid('user_id').notNull(),
  mode: text('mode', { enum: ['immediately', 'daily', 'weekly'] }).notNull(),
  status: text('status', { enum: ['pending', 'sent', 'failed', 'cancelled'] })
    .notNull()
    .default('pending'),
  notBefore: tstz('not_before').notNull().defaultNow(),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  digestId: uuid('digest_id'),
  createdAt: tstz('created_at').notNull().defaultNow(),
  sentAt: tstz('sent_at'),
});

/** An instructor's message to a course's students, or an admin's to everyone / a role. */
export const announcements = pgTable('announcements', {
  id: uuid('id').primaryKey(),
  courseId: uuid('course_id'),
  role: text('role', { enum: ['student', 'instructor', 'admin'] }),
  authorId: uuid('author_id').notNull(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  bodyHtml: text('body_html').notNull(),
  email: boolean('email').notNull().default(false),
  sendAt: tstz('send_at').notNull().defaultNow(),
  status: text('status', { enum: ['scheduled', 'sent'] })
    .notNull()
    .default('scheduled'),
  sentAt: tstz('sent_at'),
  createdAt: tstz('created_at').notNull().defaultNow(),
});
export type AnnouncementRow = typeof announcements.$inferSelect;

/** Each user's NotificationPreferences (absent parts take the contracts' defaults). */
export const notificationSettings = pgTable('notification_settings', {
  userId: uuid('user_id').primaryKey(),
  settings: jsonb('settings').notNull(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});
