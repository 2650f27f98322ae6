import { z } from 'zod';
import { Id, IsoDateTime, Text } from './common.ts';
import { GivenAnswers, QuizGrade } from './quiz.ts';
import { DueItem, EnrollmentStatus, NextLesson } from './enrollment.ts';

// ---------------------------------------------------------------------------------------------
// Payloads
// ---------------------------------------------------------------------------------------------

/** Seconds into a lesson's media (a week at most). */
const Seconds = z.number().min(0).max(604_800);

/** One stretch of media the student watched, [startSeconds, endSeconds]. */
export const WatchedInterval = z
  .tuple([Seconds, Seconds])
  .refine(([start, end]) => end >= start, 'The end of an interval must not be before its start');
export type WatchedInterval = [number, number];

/** A progress event recorded on a device. `id` is a client UUID: sending it again changes nothing. */
export const ProgressEventInput = z
  .object({
    id: Id,
    courseId: Id,
    lessonId: Id,
    positionSeconds: Seconds.optional(),
    watchedIntervals: z.array(WatchedInterval).max(1000).optional(),
    completed: z.boolean().optional(),
    /** When it happened on the device (data, not an ordering key for the server). */
    occurredAt: IsoDateTime,
  })
  .strict();
export type ProgressEventInput = z.infer<typeof ProgressEventInput>;

/** The merged state of one lesson for one student. */
export const LessonProgress = z
  .object({
    lessonId: Id,
    /** Latest playback position by occurredAt; null before any position was recorded. */
    positionSeconds: z.number().nullable(),
    /** Union of every watched interval, merged and sorted. */
    watchedIntervals: z.array(z.tuple([z.number(), z.number()])),
    watchedSeconds: z.number(),
    /** Monotonic: once complete, stays complete. */
    completed: z.boolean(),
    completedAt: IsoDateTime.nullable(),
    lastActivityAt: IsoDateTime.nullable(),
  })
  .meta({ id: 'LessonProgress' });
export type LessonProgress = z.infer<typeof LessonProgress>;

export const ProgressWriteResult = z
  .object({
    id: Id,
    courseId: Id,
    lessonId: Id,
    /** True when this id had been recorded before: nothing changed. */
    duplicate: z.boolean(),
    recordedAt: IsoDateTime,
    lesson: LessonProgress,
    /** The enrollment's status after this write is `completed`. */
    courseCompleted: z.boolean(),
  })
  .meta({ id: 'ProgressWriteResult' });
export type ProgressWriteResult = z.infer<typeof ProgressWriteResult>;

export const QuizAttemptInput = z
  .object({
    id: Id,
    courseId: Id,
    lessonId: Id,
    answers: GivenAnswers,
    startedAt: IsoDateTime.optional(),
    submittedAt: IsoDateTime,
  })
  .strict();
export type QuizAttemptInput = z.infer<typeof QuizAttemptInput>;

export const QuizAttemptResult = QuizGrade.extend({
  id: Id,
  courseId: Id,
  lessonId: Id,
  attemptNumber: z.number().int().min(1),
  attemptsAllowed: z.number().int().nullable(),
  /** Attempts left after this one; null when unlimited. */
  attemptsRemaining: z.number().int().nullable(),
  startedAt: IsoDateTime.nullable(),
  submittedAt: IsoDateTime,
  recordedAt: IsoDateTime,
  duplicate: z.boolean(),
  courseCompleted: z.boolean(),
}).meta({ id: 'QuizAttemptResult' });
export type QuizAttemptResult = z.infer<typeof QuizAttemptResult>;

export const QuizAttemptList = z.object({
  items: z.array(QuizAttemptResult.omit({ duplicate: true, courseCompleted: true })),
});
export type QuizAttemptList = z.infer<typeof QuizAttemptList>;
export const QuizAttemptListQuery = z.object({ lessonId: Id.optional() }).strict();

export const QuizStanding = z.object({
  lessonId: Id,
  title: Text(),
  graded: z.boolean(),
  weight: z.number(),
  passingPercent: z.number(),
  attemptsAllowed: z.number().int().nullable(),
  attempts: z.number().int(),
  /** Best attempt's percent; null before any attempt. */
  bestPercent: z.number().nullable(),
  passed: z.boolean(),
  lastAttemptAt: IsoDateTime.nullable(),
});
export type QuizStanding = z.infer<typeof QuizStanding>;

const LessonKindValue = z.enum(['video', 'slides', 'text', 'quiz']);

export const StudentCourseProgress = z
  .object({
    courseId: Id,
    courseTitle: Text(),
    status: EnrollmentStatus,
    enrolledAt: IsoDateTime,
    completedAt: IsoDateTime.nullable(),
    /** Completed required lessons / required lessons, in percent rounded to 0.1. */
    progressPercent: z.number(),
    completedLessons: z.number().int(),
    requiredLessons: z.number().int(),
    lastActivityAt: IsoDateTime.nullable(),
    lessons: z.array(
      LessonProgress.extend({
        title: Text(),
        moduleId: Id,
        kind: LessonKindValue,
        required: z.boolean(),
        dueAt: IsoDateTime.nullable(),
      }),
    ),
    quizzes: z.array(QuizStanding),
    /** Weighted over every graded quiz, unattempted ones counting 0; null without graded quizzes. */
    grade: z.number().nullable(),
    /** Weighted over the graded quizzes attempted so far. */
    gradeSoFar: z.number().nullable(),
    nextLesson: NextLesson.nullable(),
    upcomingDue: z.array(DueItem),
  })
  .meta({ id: 'StudentCourseProgress' });
export type StudentCourseProgress = z.infer<typeof StudentCourseProgress>;

export const StrugglingReason = z.object({
  code: z.enum(['behind', 'failing_quiz', 'inactive']),
  message: Text(),
});

export const CourseReport = z
  .object({
    courseId: Id,
    generatedAt: IsoDateTime,
    /** enrolled = every enrollment, dropped ones included. */
    counts: z.object({
      enrolled: z.number().int(),
      active: z.number().int(),
      completed: z.number().int(),
      dropped: z.number().int(),
      refunded: z.number().int(),
    }),
    /** completed / enrolled, in percent (0.1). */
    completionRate: z.number(),
    /** Mean progress percent of active and completed students. */
    averageProgressPercent: z.number().nullable(),
    /** Median progress percent of active students (the yardstick for "behind"). */
    medianProgressPercent: z.number().nullable(),
    /** Mean course grade of active and completed students; null without graded quizzes or students. */
    averageGrade: z.number().nullable(),
    lessons: z.array(
      z.object({
        lessonId: Id,
        title: Text(),
        required: z.boolean(),
        completedCount: z.number().int(),
        /** Share of active and completed students who completed it, percent (0.1). */
        completionRate: z.number(),
      }),
    ),
    quizzes: z.array(
      z.object({
        lessonId: Id,
        title: Text(),
        graded: z.boolean(),
        weight: z.number(),
        attempts: z.number().int(),
        studentsAttempted: z.number().int(),
        /** Mean of students' best percent; null before any attempt. */
        averagePercent: z.number().nullable(),
        /** Students who passed / students who attempted, percent (0.1). */
        passRate: z.number().nullable(),
      }),
    ),
    struggling: z.array(
      z.object({
        userId: Id,
        name: Text(),
        email: Text(),
        progressPercent: z.number(),
        grade: z.number().nullable(),
        lastActivityAt: IsoDateTime.nullable(),
        reasons: z.array(StrugglingReason).min(1),
      }),
    ),
    thresholds: z.object({ behindMarginPoints: z.number(), inactiveDays: z.number() }),
  })
  .meta({ id: 'CourseReport' });
export type CourseReport = z.infer<typeof CourseReport>;

// ---------------------------------------------------------------------------------------------
// Merge rules: pure functions shared by the server, the sync protocol and the desktop app.
// ---------------------------------------------------------------------------------------------

/** Sort intervals and merge the ones that overlap or touch; empty ones (start = end) are dropped. */
export function normalizeIntervals(list: readonly (readonly [number, number])[]): WatchedInterval[] {
  const sorted = list.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: WatchedInterval[] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

export const unionIntervals = (
  a: readonly WatchedInterval[],
  b: readonly WatchedInterval[],
): WatchedInterval[] => normalizeIntervals([...a, ...b]);

/** Seconds covered by normalized intervals. */
export const watchedSeconds = (list: readonly WatchedInterval[]): number =>
  Math.round(list.reduce((sum, [s, e]) => sum + (e - s), 0) * 1000) / 1000;

/** The merged state of one lesson, as stored (timestamps as ISO strings). */
export interface LessonState {
  positionSeconds: number | null;
  /** occurredAt of the event that set the position (ties broken by the larger event id). */
  positionAt: string | null;
  positionEventId: string | null;
  watchedIntervals: WatchedInterval[];
  completed: boolean;
  completedAt: string | null;
  lastActivityAt: string | null;
}

export interface LessonEvent {
  id: string;
  positionSeconds?: number | undefined;
  watchedIntervals?: readonly WatchedInterval[] | undefined;
  completed?: boolean | undefined;
  occurredAt: string;
  /** When the server received it; device times later than this are clamped to it. */
  recordedAt?: string | undefined;
}

const ms = (iso: string) => new Date(iso).getTime();
const iso = (t: number) => new Date(t).toISOString();
const minIso = (a: string | null, b: string) => (a === null || ms(b) < ms(a) ? b : a);
const maxIso = (a: string | null, b: string) => (a === null || ms(b) > ms(a) ? b : a);

/**
 * Apply one progress event to a lesson state. Commutative and idempotent, so replicas that receive the
 * same events in any order, any number of times, agree: intervals are unioned, the position is the one with
 * the latest (occurredAt, id), completion only ever turns on (completedAt is the earliest completion),
 * last activity is the latest event.
 */
export function applyProgressEvent(state: LessonState | null, ev: LessonEvent): LessonState {
  const occurred = ev.recordedAt ? Math.min(ms(ev.occurredAt), ms(ev.recordedAt)) : ms(ev.occurredAt);
  const at = iso(occurred);
  const s: LessonState = state ?? {
    positionSeconds: null,
    positionAt: null,
    positionEventId: null,
    watchedIntervals: [],
    completed: false,
    completedAt: null,
    lastActivityAt: null,
  };
  const id = ev.id.toLowerCase();
  let { positionSeconds, positionAt, positionEventId } = s;
  if (ev.positionSeconds !== undefined) {
    const newer =
      positionAt === null ||
      occurred > ms(positionAt) ||
      (occurred === ms(positionAt) && id > (positionEventId ?? ''));
    if (newer) {
      positionSeconds = ev.positionSeconds;
      positionAt = at;
      positionEventId = id;
    }
  }
  const completed = s.completed || ev.completed === true;
  return {
    positionSeconds,
    positionAt,
    positionEventId,
    watchedIntervals: unionIntervals(s.watchedIntervals, normalizeIntervals(ev.watchedIntervals ?? [])),
    completed,
    completedAt: ev.completed === true ? minIso(s.completedAt, at) : s.completedAt,
    lastActivityAt: maxIso(s.lastActivityAt, at),
  };
}

const round = (n: number, decimals: number) => Math.round(n * 10 ** decimals) / 10 ** decimals;

/** Completed required lessons / required lessons in percent, rounded to 0.1 (100 for a completed course without any). */
export function progressPercent(
  completedRequired: number,
  requiredTotal: number,
  courseCompleted = false,
): number {
  if (requiredTotal === 0) return courseCompleted ? 100 : 0;
  return round((100 * Math.min(completedRequired, requiredTotal)) / requiredTotal, 1);
}

export interface QuizGradeInput {
  graded: boolean;
  weight: number;
  /** Best attempt's percent, null when never attempted. */
  bestPercent: number | null;
}

/**
 * Weighted course grade: sum of weight × best percent over graded quizzes / sum of their weights, unattempted
 * quizzes counting 0; gradeSoFar only over the attempted ones. Null when there is nothing to weigh. Rounded to 0.01.
 */
export function courseGrade(quizzes: readonly QuizGradeInput[]): {
  grade: number | null;
  gradeSoFar: number | null;
} {
  let weights = 0;
  let sum = 0;
  let attemptedWeights = 0;
  let attemptedSum = 0;
  for (const q of quizzes) {
    if (!q.graded) continue;
    weights += q.weight;
    sum += q.weight * (q.bestPercent ?? 0);
    if (q.bestPercent !== null) {
      attemptedWeights += q.weight;
      attemptedSum += q.weight * q.bestPercent;
    }
  }
  return {
    grade: weights > 0 ? round(sum / weights, 2) : null,
    gradeSoFar: attemptedWeights > 0 ? round(attemptedSum / attemptedWeights, 2) : null,
  };
}

/** Course completion rule: every required lesson complete and every graded quiz passed. */
export function isCourseComplete(
  lessons: readonly { id: string; required: boolean }[],
  gradedQuizLessonIds: readonly string[],
  completedLessonIds: ReadonlySet<string>,
  passedQuizLessonIds: ReadonlySet<string>,
): boolean {
  return (
    lessons.every((l) => !l.required || completedLessonIds.has(l.id)) &&
    gradedQuizLessonIds.every((id) => passedQuizLessonIds.has(id))
  );
}
