import {
  boolean,
  customType,
  doublePrecision,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
/** A set of closed numeric ranges in seconds, e.g. {[0,12.5],[30,60]}; union is `+` in SQL. */
const nummultirange = customType<{ data: string }>({ dataType: () => 'nummultirange' });

export const progressEvents = pgTable('progress_events', {
  id: uuid('id').primaryKey(),
  userId: uuid('user_id').notNull(),
  courseId: uuid('course_id').notNull(),
  lessonId: uuid('lesson_id').notNull(),
  positionSeconds: doublePrecision('position_seconds'),
  watched: nummultirange('watched').notNull().default('{}'),
  completed: boolean('completed').notNull().default(false),
  occurredAt: tstz('occurred_at').notNull(),
  recordedAt: tstz('recorded_at').notNull().defaultNow(),
  contentHash: text('content_hash').notNull(),
});

export const lessonProgress = pgTable(
  'lesson_progress',
  {
    userId: uuid('user_id').notNull(),
    courseId: uuid('course_id').notNull(),
    lessonId: uuid('lesson_id').notNull(),
    positionSeconds: doublePrecision('position_seconds'),
    positionAt: tstz('position_at'),
    positionEventId: uuid('position_event_id'),
    watched: nummultirange('watched').notNull().default('{}'),
    completed: boolean('completed').notNull().default(false),
    completedAt: tstz('completed_at'),
    lastActivityAt: tstz('last_activity_at').notNull(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.courseId, t.lessonId] })],
);

export const quizAttempts = pgTable(
  'quiz_attempts',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id').notNull(),
    courseId: uuid('course_id').notNull(),
    lessonId: uuid('lesson_id').notNull(),
    attemptNo: integer('attempt_no').notNull(),
    answers: jsonb('answers').notNull(),
    score: doublePrecision('score').notNull(),
    maxScore: doublePrecision('max_score').notNull(),
    percent: doublePrecision('percent').notNull(),
    passed: boolean('passed').notNull(),
    results: jsonb('results').notNull(),
    startedAt: tstz('started_at'),
    submittedAt: tstz('submitted_at').notNull(),
    recordedAt: tstz('recorded_at').notNull().defaultNow(),
    contentHash: text('content_hash').notNull(),
  },
  (t) => [unique().on(t.userId, t.lessonId, t.attemptNo)],
);
