import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Drizzle views of the tables created by migrations/*.sql (the SQL files are the source of truth). */

export const identity = sqliteTable('identity', {
  id: integer('id').primaryKey(),
  userId: text('user_id').notNull(),
  userJson: text('user_json').notNull(),
  accessTokenEnc: text('access_token_enc'),
  accessExpiresAt: text('access_expires_at'),
  refreshTokenEnc: text('refresh_token_enc'),
  signedInAt: text('signed_in_at').notNull(),
  updatedAt: text('updated_at').notNull(),
});

export const courseSummaries = sqliteTable(
  'course_summaries',
  {
    id: text('id').primaryKey(),
    status: text('status').notNull(),
    title: text('title').notNull(),
    subject: text('subject').notNull(),
    language: text('language').notNull(),
    type: text('type').notNull(),
    level: text('level').notNull(),
    priceCents: integer('price_cents').notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    ratingAvg: real('rating_avg').notNull(),
    enrollmentCount: integer('enrollment_count').notNull(),
    publishedAt: text('published_at'),
    tags: text('tags').notNull(),
    instructorIds: text('instructor_ids').notNull(),
    summaryJson: text('summary_json').notNull(),
    syncedAt: text('synced_at').notNull(),
  },
  (t) => [index('course_summaries_newest_idx').on(t.publishedAt, t.id)],
);

export const courseDetails = sqliteTable('course_details', {
  id: text('id').primaryKey(),
  viewerId: text('viewer_id'),
  version: integer('version').notNull(),
  detailJson: text('detail_json').notNull(),
  syncedAt: text('synced_at').notNull(),
});

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: text('updated_at').notNull(),
});

// ---------- offline study and sync (0002_sync.sql) ----------

export const syncState = sqliteTable('sync_state', {
  userId: text('user_id').primaryKey(),
  deviceId: text('device_id').notNull(),
  cursor: text('cursor'),
  lastSyncAt: text('last_sync_at'),
  lastError: text('last_error'),
  updatedAt: text('updated_at').notNull(),
});

export const outbox = sqliteTable('outbox', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  id: text('id').notNull().unique(),
  userId: text('user_id').notNull(),
  name: text('name').notNull(),
  argsJson: text('args_json').notNull(),
  createdAt: text('created_at').notNull(),
  status: text('status', { enum: ['pending', 'applied', 'rejected'] }).notNull(),
  resultJson: text('result_json'),
  settledAt: text('settled_at'),
  dismissed: integer('dismissed', { mode: 'boolean' }).notNull(),
});

export const enrollments = sqliteTable('enrollments', {
  courseId: text('course_id').primaryKey(),
  status: text('status').notNull(),
  dataJson: text('data_json').notNull(),
  updatedAt: text('updated_at').notNull(),
});

export const lessonProgress = sqliteTable('lesson_progress', {
  lessonId: text('lesson_id').primaryKey(),
  courseId: text('course_id').notNull(),
  positionSeconds: real('position_seconds'),
  positionAt: text('position_at'),
  positionEventId: text('position_event_id'),
  watchedJson: text('watched_json').notNull(),
  completed: integer('completed', { mode: 'boolean' }).notNull(),
  completedAt: text('completed_at'),
  lastActivityAt: text('last_activity_at'),
  serverJson: text('server_json'),
});

export const quizAttempts = sqliteTable('quiz_attempts', {
  id: text('id').primaryKey(),
  courseId: text('course_id').notNull(),
  lessonId: text('lesson_id').notNull(),
  state: text('state', { enum: ['pending', 'graded', 'rejected'] }).notNull(),
  answersJson: text('answers_json').notNull(),
  localGradeJson: text('local_grade_json'),
  resultJson: text('result_json'),
  submittedAt: text('submitted_at').notNull(),
});

export const preferences = sqliteTable('preferences', {
  id: integer('id').primaryKey(),
  dataJson: text('data_json').notNull(),
  serverJson: text('server_json'),
  updatedAt: text('updated_at').notNull(),
});

export const offlineCourses = sqliteTable('offline_courses', {
  courseId: text('course_id').primaryKey(),
  state: text('state', { enum: ['downloading', 'ready', 'failed'] }).notNull(),
  storedItems: integer('stored_items').notNull(),
  totalItems: integer('total_items').notNull(),
  error: text('error'),
  requestedAt: text('requested_at').notNull(),
  updatedAt: text('updated_at').notNull(),
});
