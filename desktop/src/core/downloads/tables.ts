import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Drizzle view of download_items (migrations/0003_downloads.sql is the source of truth). */
export const downloadItems = sqliteTable('download_items', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  courseId: text('course_id').notNull(),
  lessonId: text('lesson_id').notNull(),
  assetId: text('asset_id').notNull(),
  relPath: text('rel_path').notNull(),
  url: text('url').notNull(),
  urlExpiresAt: text('url_expires_at').notNull(),
  size: integer('size').notNull(),
  sha256: text('sha256').notNull(),
  bytesDone: integer('bytes_done').notNull(),
  status: text('status', { enum: ['queued', 'downloading', 'paused', 'done', 'failed'] }).notNull(),
  attempts: integer('attempts').notNull(),
  error: text('error'),
  updatedAt: text('updated_at').notNull(),
});
export type DownloadItem = typeof downloadItems.$inferSelect;
export type DownloadStatus = DownloadItem['status'];

/** Drizzle view of offline_updates (migrations/0005_offline_updates.sql): new content of offline copies, per lesson. */
export const offlineUpdates = sqliteTable(
  'offline_updates',
  {
    courseId: text('course_id').notNull(),
    lessonId: text('lesson_id').notNull(),
    state: text('state', { enum: ['waiting', 'downloading', 'done'] }).notNull(),
    files: integer('files').notNull(),
    bytes: integer('bytes').notNull(),
    kinds: text('kinds').notNull(),
    detectedAt: text('detected_at').notNull(),
    doneAt: text('done_at'),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.lessonId] })],
);
export type OfflineUpdateRow = typeof offlineUpdates.$inferSelect;
