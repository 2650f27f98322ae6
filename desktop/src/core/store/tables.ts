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
