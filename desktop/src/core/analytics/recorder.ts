import { eq } from 'drizzle-orm';
import {
  GivenAnswers,
  normalizeIntervals,
  QuizGrade,
  unionIntervals,
  watchedSeconds,
  type QuizAttemptInput,
  type WatchedInterval,
} from '@lyceum/contracts';
import { WATCHED_TO_COMPLETE } from '../../contracts/content.ts';
import type { LocalDb } from '../store/open.ts';
import { quizAttempts } from '../store/tables.ts';
import { deviceGrade, findLesson, readCourseDetail, readLesson } from '../sync/local-state.ts';
import type { AnalyticsQueue } from './queue.ts';
import type { VideoEventBody } from '../../contracts/analytics.ts';
import { statementsFor, type DeviceStatement, type LessonRef } from './statements.ts';
import { analyticsAwaitingGrades } from './tables.ts';

export interface RecorderDeps {
  db: LocalDb;
  queue: AnalyticsQueue;
  currentUserId: () => string | null;
  /** The device clock (tests move it). */
  clock?: () => Date;
  /** Recording failed: logged, never passed on to the user's action. */
  onError?: (err: unknown) => void;
  /** Something was queued (the uploader may send it soon). */
  onRecorded?: () => void;
}

/** Reloads of a lesson page within this long of the last one are the same opening. */
const REOPEN_AFTER_MS = 2 * 60_000;
/** A viewing's session id is used for a completion noticed by the watch report this long after its last event. */
const SESSION_GAP_MS = 30 * 60_000;
/** An attempt whose grade never arrives (refused, lost in a resync) is forgotten after this long. */
const AWAIT_GRADE_MS = 30 * 24 * 3_600_000;

const completedMark = (lessonId: string) => `lesson-completed:${lessonId}`;

/**
 * Records learning events as xAPI statements in the device's queue: lessons opened and completed, video watching,
 * quiz attempts with every answer and the outcome. Works offline; never throws into the action it observes (a
 * failure is reported to `onError` and the action goes on).
 */
export function analyticsRecorder(d: RecorderDeps) {
  const clock = d.clock ?? (() => new Date());
  let lastOpen: { userId: string; lessonId: string; at: number } | null = null;
  const sessions = new Map<string, { sessionId: string; at: number }>();

  /** Run a recording step for the signed-in user; any failure is logged and swallowed. */
  function safely(what: string, f: (userId: string) => void): void {
    try {
      const userId = d.currentUserId();
      // One transaction: a once-only mark is taken only together with the statement it stands for.
      if (userId) d.db.transaction(() => f(userId));
    } catch (err) {
      d.onError?.(new Error(`analytics: could not record ${what}`, { cause: err }));
    }
  }

  function put(userId: string, statements: DeviceStatement[]): void {
    for (const s of statements) d.queue.add(userId, s);
    if (statements.length) d.onRecorded?.();
  }

  function ref(courseId: string, lessonId: string): LessonRef & { lesson: ReturnType<typeof findLesson> } {
    const detail = readCourseDetail(d.db, courseId);
    const found = findLesson(detail, lessonId);
    return {
      courseId,
      lessonId,
      courseTitle: detail?.title,
      lessonTitle: found?.lesson.title,
      lesson: found,
    };
  }

  /** The lesson's completion, once per account on this device. */
  function completion(userId: string, lessonId: string, build: () => DeviceStatement): DeviceStatement[] {
    return d.queue.mark(userId, completedMark(lessonId)) ? [build()] : [];
  }

  /** A graded quiz's answers and outcome (and the lesson's completion when passed). */
  function gradedStatements(
    userId: string,
    r: ReturnType<typeof ref>,
    answers: GivenAnswers,
    grade: QuizGrade,
    at: Date,
    mayComplete = true,
  ): DeviceStatement[] {
    const b = statementsFor(userId, clock);
    const questions = new Map((r.lesson?.lesson.quiz?.questions ?? []).map((q) => [q.id, q]));
    const out = grade.results.map((res) => {
      const q = questions.get(res.questionId);
      return b.answered(
        r,
        {
          questionId: res.questionId,
          type: q?.type ?? null,
          prompt: q?.prompt,
          success: res.correct,
          response: answers[res.questionId],
        },
        at,
      );
    });
    out.push(b.quizOutcome(r, grade, at));
    if (grade.passed && mayComplete)
      out.push(...completion(userId, r.lessonId, () => b.lessonCompleted(r, at)));
    return out;
  }

  return {
    /** The lesson was opened (a reload of the same lesson soon after is not a new opening). */
    lessonOpened(courseId: string, lessonId: string): void {
      safely('a lesson opening', (userId) => {
        const now = clock().getTime();
        const same = lastOpen?.userId === userId && lastOpen.lessonId === lessonId;
        const recent = same && lastOpen !== null && Math.abs(now - lastOpen.at) < REOPEN_AFTER_MS;
        lastOpen = { userId, lessonId, at: now };
        if (recent) return;
        put(userId, [statementsFor(userId, clock).lessonOpened(ref(courseId, lessonId))]);
      });
    },

    /** The lesson became complete on this device (marked done). */
    lessonCompleted(courseId: string, lessonId: string): void {
      safely('a lesson completion', (userId) => {
        const r = ref(courseId, lessonId);
        put(
          userId,
          completion(userId, lessonId, () => statementsFor(userId, clock).lessonCompleted(r)),
        );
      });
    },

    /** Watching completed a video lesson (the watched stretches reached the threshold): the Video Profile's completed. */
    videoLessonCompleted(
      courseId: string,
      lessonId: string,
      w: { position: number; watched: readonly WatchedInterval[]; length: number },
    ): void {
      safely('a video completion', (userId) => {
        const r = ref(courseId, lessonId);
        const s = sessions.get(lessonId);
        const sessionId = s && clock().getTime() - s.at < SESSION_GAP_MS ? s.sessionId : null;
        put(
          userId,
          completion(userId, lessonId, () =>
            statementsFor(userId, clock).video(r, {
              verb: 'completed',
              sessionId,
              time: w.position,
              segments: w.watched,
              length: w.length,
              progress: w.length > 0 ? watchedSeconds(w.watched) / w.length : 0,
            }),
          ),
        );
      });
    },

    /**
     * A player event. `completed` (playback reached the end) is recorded as the Video Profile's completed when it is
     * what completes the lesson (everything watched, this viewing included, reaches the threshold and no completion
     * was recorded yet); otherwise as paused at the end, so the viewing still ends there.
     */
    videoEvent(courseId: string, lessonId: string, e: VideoEventBody): void {
      safely('a video event', (userId) => {
        sessions.set(lessonId, { sessionId: e.sessionId, at: clock().getTime() });
        const r = ref(courseId, lessonId);
        const segments = normalizeIntervals(e.segments);
        const watched = unionIntervals(readLesson(d.db, lessonId)?.watchedIntervals ?? [], segments);
        const progress = Math.min(1, watchedSeconds(watched) / e.length);
        const b = statementsFor(userId, clock);
        const facts = { sessionId: e.sessionId, time: e.time, segments, length: e.length, progress };
        if (e.verb === 'completed') {
          const completes =
            progress >= WATCHED_TO_COMPLETE && !d.queue.hasMark(userId, completedMark(lessonId));
          const done = completes
            ? completion(userId, lessonId, () => b.video(r, { ...facts, verb: 'completed' }))
            : [];
          put(userId, done.length ? done : [b.video(r, { ...facts, verb: 'paused' })]);
          return;
        }
        put(userId, [b.video(r, { ...facts, verb: e.verb, from: e.from, to: e.to })]);
      });
    },

    /**
     * A quiz attempt was submitted: `attempted` now; every answer and the outcome now when the device grades it,
     * else when the server's grade arrives by sync (see `settleGrades`).
     */
    quizSubmitted(a: QuizAttemptInput, o: { wasCompleted: boolean }): void {
      safely('a quiz attempt', (userId) => {
        const r = ref(a.courseId, a.lessonId);
        const b = statementsFor(userId, clock);
        const out = [b.quizAttempted(r, a)];
        const grade = deviceGrade(readCourseDetail(d.db, a.courseId), a.lessonId, a.answers);
        if (grade)
          out.push(
            ...gradedStatements(userId, r, a.answers, grade, new Date(a.submittedAt), !o.wasCompleted),
          );
        else
          d.db
            .insert(analyticsAwaitingGrades)
            .values({
              attemptId: a.id,
              userId,
              courseId: a.courseId,
              lessonId: a.lessonId,
              answersJson: JSON.stringify(a.answers),
              submittedAt: a.submittedAt,
              wasCompleted: o.wasCompleted,
            })
            .onConflictDoNothing()
            .run();
        put(userId, out);
      });
    },

    /** After a sync: attempts the server has graded get their answers and outcome recorded (at submission time). */
    settleGrades(): void {
      safely('graded quiz results', (userId) => {
        const waiting = d.db
          .select()
          .from(analyticsAwaitingGrades)
          .where(eq(analyticsAwaitingGrades.userId, userId))
          .all();
        for (const w of waiting) {
          const row = d.db.select().from(quizAttempts).where(eq(quizAttempts.id, w.attemptId)).get();
          const forget = () =>
            d.db
              .delete(analyticsAwaitingGrades)
              .where(eq(analyticsAwaitingGrades.attemptId, w.attemptId))
              .run();
          if (row?.state === 'rejected') forget();
          if (row?.state !== 'graded') {
            if (clock().getTime() - Date.parse(w.submittedAt) > AWAIT_GRADE_MS) forget();
            continue;
          }
          const grade = QuizGrade.safeParse(JSON.parse(row.resultJson ?? 'null'));
          const answers = GivenAnswers.safeParse(JSON.parse(w.answersJson));
          forget();
          if (grade.success)
            put(
              userId,
              gradedStatements(
                userId,
                ref(w.courseId, w.lessonId),
                answers.success ? answers.data : {},
                grade.data,
                new Date(w.submittedAt),
                !w.wasCompleted,
              ),
            );
        }
      });
    },
  };
}
export type AnalyticsRecorder = ReturnType<typeof analyticsRecorder>;
