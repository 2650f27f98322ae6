import { eq } from 'drizzle-orm';
import { z } from 'zod';
import {
  applyProgressEvent,
  CourseDetail,
  defaultPreferences,
  gradeQuiz,
  Preferences,
  QuizGrade,
  type GradableQuestion,
  type LessonState,
  type Mutation,
  type ProgressEventInput,
  type QuizAttemptInput,
  type WatchedInterval,
} from '@lyceum/contracts';
import type { LocalDb } from '../store/open.ts';
import { courseDetails, lessonProgress, preferences, quizAttempts } from '../store/tables.ts';
import { applyVoucherLocally } from '../payments/local-voucher.ts';
import { markReadLocally } from '../notifications/inbox.ts';

/**
 * The optimistic side of the local store: how one mutation changes the local tables. Every function is idempotent,
 * so replaying pending mutations on top of freshly pulled server state any number of times gives the same result.
 */

const Interval = z.tuple([z.number(), z.number()]);
export const StoredLessonState = z.object({
  positionSeconds: z.number().nullable(),
  positionAt: z.string().nullable(),
  positionEventId: z.string().nullable(),
  watchedIntervals: z.array(Interval),
  completed: z.boolean(),
  completedAt: z.string().nullable(),
  lastActivityAt: z.string().nullable(),
});

type LessonRow = typeof lessonProgress.$inferSelect;

export function rowToState(row: LessonRow): LessonState {
  return {
    positionSeconds: row.positionSeconds,
    positionAt: row.positionAt,
    positionEventId: row.positionEventId,
    watchedIntervals: z.array(Interval).catch([]).parse(JSON.parse(row.watchedJson)) as WatchedInterval[],
    completed: row.completed,
    completedAt: row.completedAt,
    lastActivityAt: row.lastActivityAt,
  };
}

export function parseServerState(json: string | null): LessonState | null {
  if (!json) return null;
  const r = StoredLessonState.safeParse(JSON.parse(json));
  return r.success ? (r.data as LessonState) : null;
}

export function readLesson(db: LocalDb, lessonId: string): LessonState | null {
  const row = db.select().from(lessonProgress).where(eq(lessonProgress.lessonId, lessonId)).get();
  return row ? rowToState(row) : null;
}

/** Write the effective state of a lesson; `server` (when given) replaces the server's state kept beside it. */
export function writeLesson(
  db: LocalDb,
  lessonId: string,
  courseId: string,
  state: LessonState,
  server?: LessonState | null,
): void {
  const values = {
    courseId,
    positionSeconds: state.positionSeconds,
    positionAt: state.positionAt,
    positionEventId: state.positionEventId,
    watchedJson: JSON.stringify(state.watchedIntervals),
    completed: state.completed,
    completedAt: state.completedAt,
    lastActivityAt: state.lastActivityAt,
    ...(server === undefined ? {} : { serverJson: server === null ? null : JSON.stringify(server) }),
  };
  db.insert(lessonProgress)
    .values({ lessonId, ...values })
    .onConflictDoUpdate({ target: lessonProgress.lessonId, set: values })
    .run();
}

export function applyProgress(db: LocalDb, ev: ProgressEventInput): void {
  writeLesson(db, ev.lessonId, ev.courseId, applyProgressEvent(readLesson(db, ev.lessonId), ev));
}

/** The stored structure of a course (the detail the server last sent to this user). */
export function readCourseDetail(db: LocalDb, courseId: string): CourseDetail | null {
  const row = db.select().from(courseDetails).where(eq(courseDetails.id, courseId)).get();
  if (!row) return null;
  const d = CourseDetail.safeParse(JSON.parse(row.detailJson));
  return d.success ? d.data : null;
}

export function findLesson(detail: CourseDetail | null, lessonId: string) {
  for (const m of detail?.modules ?? [])
    for (const l of m.lessons) if (l.id === lessonId) return { module: m, lesson: l };
  return null;
}

/** Grade on the device when the quiz allows it and every answer key is here; null otherwise. */
export function deviceGrade(
  detail: CourseDetail | null,
  lessonId: string,
  answers: QuizAttemptInput['answers'],
): QuizGrade | null {
  const quiz = findLesson(detail, lessonId)?.lesson.quiz;
  if (!quiz?.questions || quiz.questions.length === 0) return null;
  if (quiz.graded && !quiz.deviceGradable) return null;
  const gradable: GradableQuestion[] = [];
  for (const q of quiz.questions) {
    if (!q.answer) return null;
    gradable.push({ id: q.id, points: q.points, key: q.answer, feedback: q.feedback ?? {} });
  }
  return gradeQuiz(gradable, answers, quiz.passingPercent);
}

/** A queued attempt: stored as pending (graded on the device when it may be); a pass completes the lesson. */
export function applyAttempt(db: LocalDb, a: QuizAttemptInput): void {
  const existing = db.select().from(quizAttempts).where(eq(quizAttempts.id, a.id)).get();
  let grade: QuizGrade | null = null;
  if (existing?.localGradeJson) grade = QuizGrade.parse(JSON.parse(existing.localGradeJson));
  else if (existing?.state !== 'graded') {
    grade = deviceGrade(readCourseDetail(db, a.courseId), a.lessonId, a.answers);
    // The structure may have arrived after the attempt was first stored (a resync): grade it now.
    if (existing && grade)
      db.update(quizAttempts)
        .set({ localGradeJson: JSON.stringify(grade) })
        .where(eq(quizAttempts.id, a.id))
        .run();
  }
  if (!existing) {
    db.insert(quizAttempts)
      .values({
        id: a.id,
        courseId: a.courseId,
        lessonId: a.lessonId,
        state: 'pending',
        answersJson: JSON.stringify(a.answers),
        localGradeJson: grade ? JSON.stringify(grade) : null,
        resultJson: null,
        submittedAt: a.submittedAt,
      })
      .run();
  }
  if (existing?.state === 'graded') return;
  if (grade?.passed)
    applyProgress(db, {
      id: a.id,
      courseId: a.courseId,
      lessonId: a.lessonId,
      completed: true,
      occurredAt: a.submittedAt,
    });
}

export function readPreferences(db: LocalDb): Preferences {
  const row = db.select().from(preferences).where(eq(preferences.id, 1)).get();
  if (!row) return defaultPreferences;
  const p = Preferences.safeParse(JSON.parse(row.dataJson));
  return p.success ? p.data : defaultPreferences;
}

export function writePreferences(db: LocalDb, effective: Preferences, server?: Preferences | null): void {
  const now = new Date().toISOString();
  const values = {
    dataJson: JSON.stringify(effective),
    updatedAt: now,
    ...(server === undefined ? {} : { serverJson: server === null ? null : JSON.stringify(server) }),
  };
  db.insert(preferences)
    .values({ id: 1, ...values })
    .onConflictDoUpdate({ target: preferences.id, set: values })
    .run();
}

/** Apply one mutation to the local tables (optimistically, or again on top of pulled server state). */
export function applyMutationLocally(db: LocalDb, m: Mutation): void {
  switch (m.name) {
    case 'recordProgress':
      applyProgress(db, m.args);
      return;
    case 'submitQuizAttempt':
      applyAttempt(db, m.args);
      return;
    case 'putPreferences':
      writePreferences(db, m.args);
      return;
    case 'redeemVoucher':
      applyVoucherLocally(db, m);
      return;
    case 'markNotificationsRead':
      markReadLocally(db, m.args, m.createdAt);
      return;
    case 'enroll':
    case 'unenroll':
    case 'rateCourse':
      // Server decisions: the local tables change when the server's answer is pulled.
      return;
  }
}

/** Go back to the server's state of a lesson (after a rejection), before the pending mutations are replayed. */
export function resetLessonToServer(db: LocalDb, lessonId: string): void {
  const row = db.select().from(lessonProgress).where(eq(lessonProgress.lessonId, lessonId)).get();
  if (!row) return;
  const server = parseServerState(row.serverJson);
  if (!server) {
    db.delete(lessonProgress).where(eq(lessonProgress.lessonId, lessonId)).run();
    return;
  }
  writeLesson(db, lessonId, row.courseId, server);
}

export function resetPreferencesToServer(db: LocalDb): void {
  const row = db.select().from(preferences).where(eq(preferences.id, 1)).get();
  if (!row) return;
  const server = row.serverJson ? Preferences.safeParse(JSON.parse(row.serverJson)) : null;
  if (server?.success) writePreferences(db, server.data);
  else db.delete(preferences).where(eq(preferences.id, 1)).run();
}
