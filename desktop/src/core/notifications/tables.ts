import { integer, sqliteTable, text, primaryKey } from 'drizzle-orm/sqlite-core';

/** Drizzle views of the tables of migrations/0009_notifications.sql (the SQL file is the source of truth). */

export const notifications = sqliteTable('notifications', {
  id: text('id').primaryKey(),
  dedupeKey: text('dedupe_key').notNull(),
  type: text('type').notNull(),
  courseId: text('course_id'),
  lessonId: text('lesson_id'),
  title: text('title').notNull(),
  body: text('body').notNull(),
  url: text('url'),
  createdAt: text('created_at').notNull(),
  readAt: text('read_at'),
  serverReadAt: text('server_read_at'),
  push: integer('push', { mode: 'boolean' }).notNull(),
  dataJson: text('data_json').notNull(),
});

export const notificationAlerts = sqliteTable(
  'notification_alerts',
  {
    userId: text('user_id').notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    source: text('source', { enum: ['device', 'server'] }).notNull(),
    /** False: recorded as handled without showing (older than the device's first sync, superseded, or turned off). */
    shown: integer('shown', { mode: 'boolean' }).notNull(),
    at: text('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.dedupeKey] })],
);
