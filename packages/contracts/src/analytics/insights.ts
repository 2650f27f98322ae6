import { z } from 'zod';
import { IsoDateTime, Text } from '../common.ts';

/**
 * The learning insights the analytics store answers (REST, admin console, desktop app, outside tools all read these).
 *
 * Every query takes a time range [from, to) in EVENT time (when it happened on the device, corrected for the
 * upload's clock skew), optionally narrowed to one course. Figures kept per day cover every UTC day the range
 * overlaps; figures kept per event (first answers, ratings, sessions) use the exact range. Shares are 0..1.
 */
export const InsightRange = z
  .object({
    from: IsoDateTime,
    to: IsoDateTime,
    courseId: Text().min(1).max(400).optional(),
  })
  .strict();
export type InsightRange = z.infer<typeof InsightRange>;

const Count = z.number().int().nonnegative();
const Share = z.number().min(0).max(1);
const Seconds = z.number().nonnegative();

export const PlatformOverview = z.object({
  /** Server time the live figures were taken at. */
  asOf: IsoDateTime,
  /** Distinct learners with an event stored (arrived) in the last 5 minutes. */
  activeLearnersNow: Count,
  /** Events stored (arrived) over the last minute, per second. */
  eventsPerSecond: z.number().nonnegative(),
  /** In the range. */
  totals: z.object({
    events: Count,
    learners: Count,
    activeSeconds: Seconds,
    sessions: Count,
    enrollments: Count,
    lessonCompletions: Count,
    courseCompletions: Count,
    quizAnswers: Count,
    ratings: Count,
  }),
});
export type PlatformOverview = z.infer<typeof PlatformOverview>;

/**
 * The completion funnel of a course over its cohort: the learners active in the course during the range (every
 * learner active in a course counts as enrolled in it), and how many of them had, by the end of the range, started a
 * lesson, completed any lesson and completed the course. Each stage includes the later ones, so it never widens.
 */
export const CourseFunnel = z.object({
  courseId: Text(),
  enrolled: Count,
  started: Count,
  completedLesson: Count,
  completedCourse: Count,
  /** completedCourse / enrolled. */
  completionRate: Share.nullable(),
});
export type CourseFunnel = z.infer<typeof CourseFunnel>;

/** Drop-off histograms have this many buckets of 5% of the video length (the last one includes the end). */
export const DROP_OFF_BUCKETS = 20;

/**
 * A lesson over its cohort (learners active in the lesson during the range). Time spent is active learning time
 * (gaps between a learner's events longer than the session gap do not count). Watched share is the union of the
 * watched segments in the range over the video length, averaged over viewers. Drop-off counts the viewing sessions
 * (a learner's video events on the lesson, split by the session gap) started in the range by the 5% bucket of the
 * video where they last were.
 */
export const LessonInsight = z.object({
  courseId: Text(),
  lessonId: Text(),
  started: Count,
  completed: Count,
  completionRate: Share.nullable(),
  timeSpentSeconds: Seconds,
  avgTimeSeconds: Seconds.nullable(),
  viewers: Count,
  avgWatchedShare: Share.nullable(),
  viewingSessions: Count,
  dropOff: z.array(Count).length(DROP_OFF_BUCKETS),
});
export type LessonInsight = z.infer<typeof LessonInsight>;

/**
 * A quiz question over the learners whose FIRST answer to it falls in the range. `difficulty` is the classical item
 * difficulty p: the share correct on the first answer (lower = harder). `discrimination` is the point-biserial
 * correlation between first-answer correctness and the learner's total score on the quiz (the lesson: first answers
 * correct in the range); null with fewer than two respondents or no variance.
 */
export const QuestionInsight = z.object({
  courseId: Text(),
  lessonId: Text(),
  questionId: Text(),
  respondents: Count,
  correctFirst: Count,
  difficulty: Share.nullable(),
  discrimination: z.number().min(-1).max(1).nullable(),
  /** Every answer given (retries included) by those respondents. */
  answers: Count,
});
export type QuestionInsight = z.infer<typeof QuestionInsight>;

/**
 * Engagement score 0..100 of a learner over the range (see sync-server analytics/insights/engagement.ts):
 * 100 × (0.40·(1 − e^(−activeMinutes/60)) + 0.25·(1 − e^(−lessonsCompleted/5)) + 0.15·(1 − e^(−quizAttempts/3))
 * + 0.20·e^(−daysSinceLastActivity/7)), days counted back from the end of the range (or now, if earlier).
 */
export const StudentEngagement = z.object({
  actor: Text(),
  score: z.number().min(0).max(100),
  activeSeconds: Seconds,
  lessonsCompleted: Count,
  quizAttempts: Count,
  lastActiveAt: IsoDateTime.nullable(),
});
export type StudentEngagement = z.infer<typeof StudentEngagement>;

/** A course's engagement: the mean of its learners' scores in that course. */
export const CourseEngagement = z.object({
  courseId: Text(),
  learners: Count,
  avgScore: z.number().min(0).max(100),
});
export type CourseEngagement = z.infer<typeof CourseEngagement>;

export const EngagementInsight = z.object({
  courses: z.array(CourseEngagement),
  /** Most engaged first, up to the limit asked for. */
  students: z.array(StudentEngagement),
});
export type EngagementInsight = z.infer<typeof EngagementInsight>;

/** Ratings given in the range; a learner's latest rating of a course replaces the earlier ones. */
export const RatingStats = z.object({
  count: Count,
  mean: z.number().min(1).max(5).nullable(),
  /** Ratings 1..5 (rounded), index 0 = 1 star. */
  histogram: z.array(Count).length(5),
});
export type RatingStats = z.infer<typeof RatingStats>;

export const RatingInsight = z.object({
  overall: RatingStats,
  courses: z.array(RatingStats.extend({ courseId: Text() })),
});
export type RatingInsight = z.infer<typeof RatingInsight>;

export const StudentCourseSummary = z.object({
  courseId: Text(),
  /** Lifetime milestones (not limited to the range). */
  enrolledAt: IsoDateTime.nullable(),
  startedAt: IsoDateTime.nullable(),
  firstLessonCompletedAt: IsoDateTime.nullable(),
  completedAt: IsoDateTime.nullable(),
  /** In the range. */
  lastActiveAt: IsoDateTime.nullable(),
  events: Count,
  activeSeconds: Seconds,
  lessonsCompleted: Count,
  quizAttempts: Count,
  quizAnswers: Count,
  quizCorrect: Count,
  engagement: z.number().min(0).max(100),
  rating: z.number().nullable(),
});
export type StudentCourseSummary = z.infer<typeof StudentCourseSummary>;

export const StudentSummary = z.object({
  actor: Text(),
  events: Count,
  activeSeconds: Seconds,
  /** Learning sessions started in the range. */
  sessions: Count,
  avgSessionSeconds: Seconds.nullable(),
  lastActiveAt: IsoDateTime.nullable(),
  engagement: z.number().min(0).max(100),
  courses: z.array(StudentCourseSummary),
});
export type StudentSummary = z.infer<typeof StudentSummary>;

/** One UTC day of the range, for charts. */
export const DailyPoint = z.object({
  day: z.iso.date(),
  events: Count,
  learners: Count,
  activeSeconds: Seconds,
  enrollments: Count,
  lessonCompletions: Count,
  courseCompletions: Count,
  quizAnswers: Count,
  ratings: Count,
});
export type DailyPoint = z.infer<typeof DailyPoint>;
