import { z } from 'zod';
import { Id, IsoDateTime, Limit, Text } from './common.ts';
import { AnswerKey, QuestionOption, QuestionType } from './quiz.ts';

export const CourseType = z.enum(['self_paced', 'instructor_led', 'cohort']);
export type CourseType = z.infer<typeof CourseType>;
export const CourseLevel = z.enum(['beginner', 'intermediate', 'advanced']);
export type CourseLevel = z.infer<typeof CourseLevel>;
export const CourseStatus = z.enum(['draft', 'published', 'archived']);
export type CourseStatus = z.infer<typeof CourseStatus>;
export const LessonKind = z.enum(['video', 'slides', 'text', 'quiz']);
export type LessonKind = z.infer<typeof LessonKind>;
export const CourseSort = z.enum(['relevance', 'newest', 'rating', 'popularity']);
export type CourseSort = z.infer<typeof CourseSort>;

export const Currency = Text().regex(/^[A-Z]{3}$/, 'ISO 4217 currency code such as USD');
/** A paid course's price; a free course has price null. */
export const Price = z
  .object({ amountCents: z.number().int().min(1).max(100_000_000), currency: Currency })
  .strict()
  .meta({ id: 'Price' });
export type Price = z.infer<typeof Price>;

export const LanguageTag = Text().regex(
  /^[a-z]{2,3}(-[A-Z]{2})?$/,
  'BCP 47 language tag such as en or pt-BR',
);

export const QuestionFeedback = z
  .object({ correct: Text().max(2000).optional(), incorrect: Text().max(2000).optional() })
  .strict();

// ---------- writing a course ----------

/** A quiz question as an instructor writes it; send `id` to keep an existing question (and the answers recorded for it). */
export const QuestionInput = z
  .object({
    id: Id.optional(),
    type: QuestionType,
    prompt: Text().trim().min(1).max(5000),
    /** Choices of single/multiple choice questions (ids are yours to pick, unique within the question). */
    options: z.array(QuestionOption.strict()).max(20).default([]),
    answer: AnswerKey,
    points: z.number().min(0).max(1000).default(1),
    feedback: QuestionFeedback.default({}),
  })
  .strict();
export type QuestionInput = z.infer<typeof QuestionInput>;

export const QuizInput = z
  .object({
    passingPercent: z.number().int().min(0).max(100).default(70),
    /** null: unlimited attempts. */
    attemptsAllowed: z.number().int().min(1).max(100).nullable().default(null),
    graded: z.boolean().default(true),
    weight: z.number().min(0).max(1000).default(1),
    /** The desktop app may grade it offline, so enrolled students receive its answer keys. */
    deviceGradable: z.boolean().default(false),
    shuffle: z.boolean().default(false),
    questions: z.array(QuestionInput).max(200).default([]),
  })
  .strict();
export type QuizInput = z.infer<typeof QuizInput>;

export const LessonInput = z
  .object({
    id: Id.optional(),
    title: Text().trim().min(1).max(200),
    kind: LessonKind,
    durationMinutes: z.number().int().min(0).max(10_000).default(0),
    isPreview: z.boolean().default(false),
    required: z.boolean().default(true),
    dueAt: IsoDateTime.nullable().default(null),
    /** Scheduled release: students see the lesson (and are notified) from this time; null or absent: released. */
    releaseAt: IsoDateTime.nullable().optional(),
    /** The text of a text lesson (Markdown); notes or a transcript for other kinds. */
    body: Text().max(200_000).default(''),
    /** Only for kind 'quiz' (settings default when left out). */
    quiz: QuizInput.optional(),
  })
  .strict();
export type LessonInput = z.infer<typeof LessonInput>;

export const ModuleInput = z
  .object({
    id: Id.optional(),
    title: Text().trim().min(1).max(200),
    lessons: z.array(LessonInput).max(200).default([]),
  })
  .strict();
export type ModuleInput = z.infer<typeof ModuleInput>;

const courseFields = {
  title: Text().trim().min(1).max(200),
  description: Text().max(20_000),
  subject: Text().trim().min(1).max(100),
  tags: z.array(Text().trim().min(1).max(40)).max(20),
  language: LanguageTag,
  type: CourseType,
  level: CourseLevel,
  price: Price.nullable(),
  coverImageUrl: z
    .url({ protocol: /^https?$/ })
    .max(1000)
    .nullable(),
  prerequisiteIds: z.array(Id).max(20),
  /** Co-instructors (instructor or admin accounts), in display order after the owner, who always comes first. */
  instructorIds: z.array(Id).max(10),
  /** The whole structure, in order. */
  modules: z.array(ModuleInput).max(100),
};

export const CourseCreate = z
  .object({
    ...courseFields,
    description: courseFields.description.optional(),
    tags: courseFields.tags.optional(),
    language: courseFields.language.optional(),
    type: courseFields.type.optional(),
    level: courseFields.level.optional(),
    price: courseFields.price.optional(),
    coverImageUrl: courseFields.coverImageUrl.optional(),
    prerequisiteIds: courseFields.prerequisiteIds.optional(),
    instructorIds: courseFields.instructorIds.optional(),
    modules: courseFields.modules.optional(),
  })
  .strict();
export type CourseCreate = z.infer<typeof CourseCreate>;

/**
 * Partial update. `modules` replaces the whole structure: modules, lessons and questions sent with their id keep it
 * (and the progress recorded against them); those left out are deleted. `version` is required and must be the current
 * one (else 409 version_conflict with the current copy).
 */
export const CoursePatch = z
  .object(courseFields)
  .partial()
  .extend({ version: z.number().int().min(1) })
  .strict();
export type CoursePatch = z.infer<typeof CoursePatch>;

/** One thing to fix before a course can be published (422 publish_blocked, details.problems). */
export const PublishProblem = z.object({
  code: z.enum([
    'title_missing',
    'no_lessons',
    'quiz_without_questions',
    'quiz_without_points',
    'video_not_ready',
    'slides_not_ready',
    'prerequisite_not_published',
  ]),
  message: z.string(),
  lessonId: z.string().optional(),
  path: z.string().optional(),
});
export type PublishProblem = z.infer<typeof PublishProblem>;

// ---------- reading courses ----------

export const InstructorRef = z.object({ id: Id, name: Text() });

export const CourseSummary = z
  .object({
    id: Id,
    title: Text(),
    /** The start of the description. */
    excerpt: Text(),
    subject: Text(),
    tags: z.array(Text()),
    level: CourseLevel,
    type: CourseType,
    language: Text(),
    status: CourseStatus,
    price: Price.nullable(),
    instructors: z.array(InstructorRef),
    durationMinutes: z.number().int(),
    lessonCount: z.number().int(),
    ratingAverage: z.number(),
    ratingCount: z.number().int(),
    enrollmentCount: z.number().int(),
    coverImageUrl: Text().nullable(),
    publishedAt: IsoDateTime.nullable(),
    updatedAt: IsoDateTime,
  })
  .meta({ id: 'CourseSummary' });
export type CourseSummary = z.infer<typeof CourseSummary>;

export const CourseSearchQuery = z
  .object({
    q: Text().max(200).optional(),
    type: CourseType.optional(),
    level: CourseLevel.optional(),
    subject: Text().trim().min(1).max(100).optional(),
    language: Text().trim().min(1).max(20).optional(),
    tag: Text().trim().min(1).max(40).optional(),
    price: z.enum(['free', 'paid']).optional(),
    minDuration: z.coerce.number().int().min(0).optional(),
    maxDuration: z.coerce.number().int().min(0).optional(),
    instructor: Id.optional(),
    /** Default: relevance when q has words, newest otherwise. */
    sort: CourseSort.optional(),
    cursor: Text().max(500).optional(),
    limit: Limit,
  })
  .strict();
export type CourseSearchQuery = z.infer<typeof CourseSearchQuery>;

export const FacetBucket = z.object({ value: Text(), count: z.number().int() });
/** Counts per value over the query and the other filters (a facet's own filter does not narrow it). */
export const CourseFacets = z
  .object({
    type: z.array(FacetBucket),
    level: z.array(FacetBucket),
    subject: z.array(FacetBucket),
    language: z.array(FacetBucket),
    price: z.array(FacetBucket),
  })
  .meta({ id: 'CourseFacets' });
export type CourseFacets = z.infer<typeof CourseFacets>;

export const CourseSearchResult = z.object({
  items: z.array(CourseSummary),
  nextCursor: Text().nullable(),
  facets: CourseFacets,
  /**
   * "Did you mean …?": q with its misspelled words corrected from the catalog's titles, subjects and tags, when the
   * words as typed find few or no courses and the correction finds more ("pyhton" → "python").
   */
  suggestion: Text().optional(),
  /** True when q as typed found nothing: the items, facets and cursor are those of the suggestion. */
  suggestionApplied: z.boolean().optional(),
});
export type CourseSearchResult = z.infer<typeof CourseSearchResult>;

/** A question as shown: `answer` and `feedback` only to the course's instructors/admins (and to enrolled students for device-gradable quizzes). */
export const QuestionView = z.object({
  id: Id,
  type: QuestionType,
  prompt: Text(),
  options: z.array(QuestionOption),
  points: z.number(),
  answer: AnswerKey.optional(),
  feedback: QuestionFeedback.optional(),
});
export type QuestionView = z.infer<typeof QuestionView>;

export const QuizView = z.object({
  passingPercent: z.number().int(),
  attemptsAllowed: z.number().int().nullable(),
  graded: z.boolean(),
  weight: z.number(),
  deviceGradable: z.boolean(),
  shuffle: z.boolean(),
  questionCount: z.number().int(),
  /** Left out when the lesson is locked for the caller. */
  questions: z.array(QuestionView).optional(),
});

export const LessonView = z.object({
  id: Id,
  title: Text(),
  kind: LessonKind,
  durationMinutes: z.number().int(),
  isPreview: z.boolean(),
  required: z.boolean(),
  dueAt: IsoDateTime.nullable(),
  /** Scheduled release time, shown to the course's editors only (students never get unreleased lessons). */
  releaseAt: IsoDateTime.nullable().optional(),
  /** True when the caller may see only the outline of this lesson (not enrolled, not a preview). */
  locked: z.boolean(),
  body: Text().optional(),
  quiz: QuizView.optional(),
});
export type LessonView = z.infer<typeof LessonView>;

export const ModuleView = z.object({ id: Id, title: Text(), lessons: z.array(LessonView) });

export const CourseDetail = CourseSummary.extend({
  description: Text(),
  ownerId: Id,
  version: z.number().int(),
  createdAt: IsoDateTime,
  prerequisites: z.array(z.object({ id: Id, title: Text() })),
  modules: z.array(ModuleView),
  /** What the caller may do and see. */
  viewer: z.object({ canEdit: z.boolean(), enrolled: z.boolean(), contentUnlocked: z.boolean() }),
}).meta({ id: 'CourseDetail' });
export type CourseDetail = z.infer<typeof CourseDetail>;

export const TeachingQuery = z
  .object({ status: CourseStatus.optional(), cursor: Text().max(500).optional(), limit: Limit })
  .strict();
export const CourseList = z.object({ items: z.array(CourseSummary), nextCursor: Text().nullable() });

// ---------- ratings ----------

export const RatingInput = z
  .object({ stars: z.number().int().min(1).max(5), review: Text().trim().max(5000).default('') })
  .strict();
export type RatingInput = z.infer<typeof RatingInput>;

export const CourseRating = z
  .object({
    courseId: Id,
    userId: Id,
    userName: Text(),
    stars: z.number().int().min(1).max(5),
    review: Text(),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
  })
  .meta({ id: 'CourseRating' });
export type CourseRating = z.infer<typeof CourseRating>;

export const RatingListQuery = z.object({ cursor: Text().max(500).optional(), limit: Limit }).strict();
export const RatingList = z.object({
  items: z.array(CourseRating),
  nextCursor: Text().nullable(),
  average: z.number(),
  count: z.number().int(),
  /** How many ratings gave 1, 2, 3, 4 and 5 stars. */
  distribution: z.array(z.number().int()).length(5),
});
export type RatingList = z.infer<typeof RatingList>;
