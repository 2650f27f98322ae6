import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** The server's copy of a course draft (sync entity course_draft), one JSON row per course (migration 0010). */
export const courseDrafts = sqliteTable(
  'course_drafts',
  {
    courseId: text('course_id').primaryKey(),
    userId: text('user_id').notNull(),
    version: integer('version').notNull(),
    status: text('status', { enum: ['draft', 'published', 'archived'] }).notNull(),
    title: text('title').notNull(),
    docJson: text('doc_json').notNull(),
    updatedBy: text('updated_by'),
    updatedAt: text('updated_at').notNull(),
    pulledAt: text('pulled_at').notNull(),
  },
  (t) => [index('course_drafts_user_idx').on(t.userId, t.updatedAt)],
);

/** Conflicts the instructor resolved (an outbox row's id, or an upload's id for a lost media replacement). */
export const authoringResolutions = sqliteTable('authoring_resolutions', {
  conflictId: text('conflict_id').primaryKey(),
  userId: text('user_id').notNull(),
  courseId: text('course_id').notNull(),
  choice: text('choice', { enum: ['mine', 'theirs', 'merge'] }).notNull(),
  resolvedAt: text('resolved_at').notNull(),
});
