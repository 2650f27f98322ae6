import { eq } from 'drizzle-orm';
import { z } from 'zod';
import {
  CourseDetail,
  CourseSummary,
  EnrollmentStatus,
  IsoDateTime,
  LessonProgress,
  Preferences,
  QuizAttemptResult,
  type LessonState,
  type SyncChange,
  type WatchedInterval,
} from '@lyceum/contracts';
import type { CatalogCache } from '../store/catalog-cache.ts';
import type { LocalDb } from '../store/open.ts';
import { courseDetails, enrollments, lessonProgress, preferences, quizAttempts } from '../store/tables.ts';
import { writeLesson, writePreferences } from './local-state.ts';
import { enrollmentPulled } from '../payments/local-voucher.ts';
import { applyNotificationChange } from '../notifications/inbox.ts';
import { draftStore } from '../authoring/store.ts';

/** What a pulled enrollment must at least carry; the rest of MyEnrollment is kept as sent. */
export const StoredEnrollment = z.looseObject({
  courseId: z.string(),
  status: EnrollmentStatus,
  enrolledAt: IsoDateTime,
  completedAt: IsoDateTime.nullable().optional(),
  course: z.looseObject({ title: z.string() }).optional(),
});
export type StoredEnrollment = z.infer<typeof StoredEnrollment>;

const PulledProgress = LessonProgress.extend({ courseId: z.string() });
const PulledAttempt = QuizAttemptResult.omit({ duplicate: true, courseCompleted: true });

export interface ApplyContext {
  db: LocalDb;
  cache: CatalogCache;
  userId: string;
  now: string;
  /** A change the app cannot read: counted and skipped, never fatal (the next resync repairs it). */
  onUnreadable?: (change: SyncChange, why: string) => void;
}

/** The enrollment this device keeps for a course (null when none, or when its stored form cannot be read). */
export function readEnrollment(db: LocalDb, courseId: string): StoredEnrollment | null {
  const row = db.select().from(enrollments).where(eq(enrollments.courseId, courseId)).get();
  if (!row) return null;
  const e = StoredEnrollment.safeParse(JSON.parse(row.dataJson));
  return e.success ? e.data : null;
}

export function putEnrollment(db: LocalDb, e: StoredEnrollment, now: string): void {
  const values = { status: e.status, dataJson: JSON.stringify(e), updatedAt: now };
  db.insert(enrollments)
    .values({ courseId: e.courseId, ...values })
    .onConflictDoUpdate({ target: enrollments.courseId, set: values })
    .run();
}

/** The server's lesson state, in the merge functions' shape (its position ordering is the server's own). */
function serverLessonState(p: z.infer<typeof PulledProgress>): LessonState {
  return {
    positionSeconds: p.positionSeconds,
    positionAt: p.positionSeconds === null ? null : p.lastActivityAt,
    positionEventId: null,
    watchedIntervals: p.watchedIntervals as WatchedInterval[],
    completed: p.completed,
    completedAt: p.completedAt,
    lastActivityAt: p.lastActivityAt,
  };
}

/** Apply one pulled change (inside the page's transaction). The pending mutations are replayed after the page. */
export function applyChange(ctx: ApplyContext, change: SyncChange): void {
  const { db } = ctx;
  const skip = (why: string) => ctx.onUnreadable?.(change, why);
  const del = change.op === 'delete';
  switch (change.entity) {
    case 'course': {
      if (del) {
        ctx.cache.forget(change.id);
        return;
      }
      const s = CourseSummary.safeParse(change.data);
      if (s.success) ctx.cache.putSummaries([s.data], ctx.now);
      else skip(s.error.message);
      return;
    }
    case 'course_detail': {
      if (del) {
        db.delete(courseDetails).where(eq(courseDetails.id, change.id)).run();
        return;
      }
      const d = CourseDetail.safeParse(change.data);
      if (d.success) ctx.cache.putDetail(d.data, ctx.userId, ctx.now);
      else skip(d.error.message);
      return;
    }
    case 'enrollment': {
      if (del) {
        db.delete(enrollments).where(eq(enrollments.courseId, change.id)).run();
        return;
      }
      const e = StoredEnrollment.safeParse(change.data);
      if (!e.success) return skip(e.error.message);
      putEnrollment(db, e.data, ctx.now);
      enrollmentPulled(db, ctx.userId, e.data.courseId, e.data.status);
      return;
    }
    case 'lesson_progress': {
      if (del) {
        db.delete(lessonProgress).where(eq(lessonProgress.lessonId, change.id)).run();
        return;
      }
      const p = PulledProgress.safeParse(change.data);
      if (!p.success) return skip(p.error.message);
      const state = serverLessonState(p.data);
      writeLesson(db, p.data.lessonId, p.data.courseId, state, state);
      return;
    }
    case 'quiz_attempt': {
      if (del) {
        db.delete(quizAttempts).where(eq(quizAttempts.id, change.id)).run();
        return;
      }
      const a = PulledAttempt.safeParse(change.data);
      if (!a.success) return skip(a.error.message);
      putGradedAttempt(db, a.data);
      return;
    }
    case 'notification':
      applyNotificationChange(db, change, skip);
      return;
    case 'course_draft':
      draftStore(db).applyChange(ctx.userId, change, ctx.now, skip);
      return;
    case 'preferences': {
      if (del) {
        db.delete(preferences).where(eq(preferences.id, 1)).run();
        return;
      }
      const p = Preferences.safeParse(change.data);
      if (p.success) writePreferences(db, p.data, p.data);
      else skip(p.error.message);
      return;
    }
  }
}

/** The server's graded attempt (from a pull or a push answer) replaces the device's pending one. */
export function putGradedAttempt(db: LocalDb, a: z.infer<typeof PulledAttempt>): void {
  const values = {
    courseId: a.courseId,
    lessonId: a.lessonId,
    state: 'graded' as const,
    resultJson: JSON.stringify(a),
    submittedAt: a.submittedAt,
  };
  db.insert(quizAttempts)
    .values({ id: a.id, answersJson: '{}', localGradeJson: null, ...values })
    .onConflictDoUpdate({ target: quizAttempts.id, set: values })
    .run();
}
export const GradedAttempt = PulledAttempt;
