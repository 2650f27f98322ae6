import {
  boolean,
  customType,
  doublePrecision,
  integer,
  json,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import type { z } from 'zod';
import type { AnswerKey, CourseDraftDoc, QuestionOption } from '@lyceum/contracts';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export interface InstructorJson {
  id: string;
  name: string;
}

export const courses = pgTable('courses', {
  id: uuid('id').primaryKey(),
  ownerId: uuid('owner_id').notNull(),
  title: text('title').notNull(),
  description: text('description').notNull().default(''),
  subject: text('subject').notNull(),
  tags: text('tags').array().notNull().default([]),
  tagsText: text('tags_text').notNull().default(''),
  language: text('language').notNull().default('en'),
  type: text('type', { enum: ['self_paced', 'instructor_led', 'cohort'] }).notNull(),
  level: text('level', { enum: ['beginner', 'intermediate', 'advanced'] }).notNull(),
  priceCents: integer('price_cents').notNull().default(0),
  currency: text('currency'),
  status: text('status', { enum: ['draft', 'published', 'archived'] })
    .notNull()
    .default('draft'),
  coverImageUrl: text('cover_image_url'),
  durationMinutes: integer('duration_minutes').notNull().default(0),
  lessonCount: integer('lesson_count').notNull().default(0),
  instructors: jsonb('instructors').$type<InstructorJson[]>().notNull().default([]),
  instructorNames: text('instructor_names').notNull().default(''),
  ratingAvg: doublePrecision('rating_avg').notNull().default(0),
  ratingCount: integer('rating_count').notNull().default(0),
  enrollmentCount: integer('enrollment_count').notNull().default(0),
  version: integer('version').notNull().default(1),
  publishedAt: tstz('published_at'),
  createdAt: tstz('created_at').notNull().defaultNow(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
  /** Who made the latest edit (migration 0022); null before it. */
  updatedBy: uuid('updated_by'),
  search: tsvector('search'),
});
export type CourseRow = typeof courses.$inferSelect;

export const courseInstructors = pgTable(
  'course_instructors',
  {
    courseId: uuid('course_id').notNull(),
    userId: uuid('user_id').notNull(),
    position: integer('position').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.userId] })],
);

export const coursePrerequisites = pgTable(
  'course_prerequisites',
  {
    courseId: uuid('course_id').notNull(),
    prerequisiteId: uuid('prerequisite_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.prerequisiteId] })],
);

export const courseModules = pgTable('course_modules', {
  id: uuid('id').primaryKey(),
  courseId: uuid('course_id').notNull(),
  position: integer('position').notNull(),
  title: text('title').notNull(),
});

export const lessons = pgTable('lessons', {
  id: uuid('id').primaryKey(),
  courseId: uuid('course_id').notNull(),
  moduleId: uuid('module_id').notNull(),
  position: integer('position').notNull(),
  title: text('title').notNull(),
  kind: text('kind', { enum: ['video', 'slides', 'text', 'quiz'] }).notNull(),
  durationMinutes: integer('duration_minutes').notNull().default(0),
  isPreview: boolean('is_preview').notNull().default(false),
  required: boolean('required').notNull().default(true),
  dueAt: tstz('due_at'),
  /** Hidden from students until then (migration 0019; the scheduler announces the release). */
  releaseAt: tstz('release_at'),
  body: text('body').notNull().default(''),
});

export const quizzes = pgTable('quizzes', {
  lessonId: uuid('lesson_id').primaryKey(),
  courseId: uuid('course_id').notNull(),
  passingPercent: integer('passing_percent').notNull().default(70),
  attemptsAllowed: integer('attempts_allowed'),
  graded: boolean('graded').notNull().default(true),
  weight: doublePrecision('weight').notNull().default(1),
  deviceGradable: boolean('device_gradable').notNull().default(false),
  shuffle: boolean('shuffle').notNull().default(false),
});

export const quizQuestions = pgTable('quiz_questions', {
  id: uuid('id').primaryKey(),
  lessonId: uuid('lesson_id').notNull(),
  position: integer('position').notNull(),
  type: text('type', {
    enum: ['single_choice', 'multiple_choice', 'true_false', 'short_answer', 'numeric'],
  }).notNull(),
  prompt: text('prompt').notNull(),
  options: jsonb('options').$type<z.infer<typeof QuestionOption>[]>().notNull().default([]),
  answer: jsonb('answer').$type<AnswerKey>().notNull(),
  points: doublePrecision('points').notNull().default(1),
  feedback: jsonb('feedback').$type<{ correct?: string; incorrect?: string }>().notNull().default({}),
});

export const courseRatings = pgTable(
  'course_ratings',
  {
    courseId: uuid('course_id').notNull(),
    userId: uuid('user_id').notNull(),
    stars: integer('stars').notNull(),
    review: text('review').notNull().default(''),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.userId] })],
);

/** The instructor's working copy (migration 0022): authoring edits change it; publishing copies it to the tables above. */
export const courseDrafts = pgTable('course_drafts', {
  courseId: uuid('course_id').primaryKey(),
  doc: json('doc').$type<CourseDraftDoc>().notNull(),
  version: integer('version').notNull(),
  updatedBy: uuid('updated_by'),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});
