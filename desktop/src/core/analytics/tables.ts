import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Drizzle views of the analytics tables (migrations/0004_analytics.sql is the source of truth). */

export const analyticsQueue = sqliteTable('analytics_queue', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  id: text('id').notNull().unique(),
  userId: text('user_id').notNull(),
  timestamp: text('timestamp').notNull(),
  statementJson: text('statement_json').notNull(),
  attempts: integer('attempts').notNull(),
});
export type QueuedRow = typeof analyticsQueue.$inferSelect;

export const analyticsMarks = sqliteTable(
  'analytics_marks',
  {
    userId: text('user_id').notNull(),
    mark: text('mark').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.mark] })],
);

export const analyticsAwaitingGrades = sqliteTable('analytics_awaiting_grades', {
  attemptId: text('attempt_id').primaryKey(),
  userId: text('user_id').notNull(),
  courseId: text('course_id').notNull(),
  lessonId: text('lesson_id').notNull(),
  answersJson: text('answers_json').notNull(),
  submittedAt: text('submitted_at').notNull(),
  wasCompleted: integer('was_completed', { mode: 'boolean' }).notNull(),
});

export const analyticsInsightsCache = sqliteTable(
  'analytics_insights_cache',
  {
    userId: text('user_id').notNull(),
    courseId: text('course_id').notNull(),
    rangeKey: text('range_key').notNull(),
    dashboardJson: text('dashboard_json').notNull(),
    fetchedAt: text('fetched_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.courseId, t.rangeKey] })],
);
