import { eq } from 'drizzle-orm';
import {
  progressPercent,
  QuizAttemptResult,
  QuizGrade,
  type CourseDetail,
  type DueItem,
} from '@lyceum/contracts';
import type {
  AttemptView,
  LearningItem,
  LessonStatus,
  OfflineState,
  StudyLesson,
} from '../../contracts/learning.ts';
import type { LocalDb } from '../store/open.ts';
import { enrollments, lessonProgress, offlineCourses, quizAttempts } from '../store/tables.ts';
import { readEnrollment } from '../sync/apply-changes.ts';
import { Rejection } from '../sync/outbox.ts';
import { findLesson, readCourseDetail } from '../sync/local-state.ts';

/** Reads of the local study state: everything here works offline. */

const NO_STATUS: LessonStatus = { completed: false, completedAt: null, lastActivityAt: null };

export function lessonStatuses(db: LocalDb, courseId: string): Record<string, LessonStatus> {
  const rows = db.select().from(lessonProgress).where(eq(lessonProgress.courseId, courseId)).all();
  return Object.fromEntries(
    rows.map((r) => [
      r.lessonId,
      { completed: r.completed, completedAt: r.completedAt, lastActivityAt: r.lastActivityAt },
    ]),
  );
}

export function offlineStateOf(
  db: LocalDb,
  courseId: string,
  detail: CourseDetail | null,
): OfflineState | null {
  const row = db.select().from(offlineCourses).where(eq(offlineCourses.courseId, courseId)).get();
  if (!row) return null;
  const lessons = detail?.modules.flatMap((m) => m.lessons) ?? [];
  return {
    enabled: true,
    state: row.state,
    storedItems: row.storedItems,
    totalItems: row.totalItems,
    mediaLessons: lessons.filter((l) => l.kind === 'video' || l.kind === 'slides').length,
    error: row.error,
    updatedAt: row.updatedAt,
  };
}

function summarize(
  detail: CourseDetail,
  statuses: Record<string, LessonStatus>,
  now: number,
): Pick<
  LearningItem,
  'progressPercent' | 'completedLessons' | 'requiredLessons' | 'nextLesson' | 'upcomingDue' | 'lastActivityAt'
> {
  const lessons = detail.modules.flatMap((m) => m.lessons.map((l) => ({ ...l, moduleId: m.id })));
  const required = lessons.filter((l) => l.required);
  const completed = required.filter((l) => statuses[l.id]?.completed).length;
  const next = lessons.find((l) => !statuses[l.id]?.completed) ?? null;
  const upcomingDue: DueItem[] = lessons
    .filter((l) => l.dueAt && !statuses[l.id]?.completed)
    .map((l) => ({ lessonId: l.id, title: l.title, dueAt: l.dueAt!, overdue: Date.parse(l.dueAt!) < now }))
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
    .slice(0, 5);
  const activity = Object.values(statuses)
    .map((s) => s.lastActivityAt)
    .filter((t): t is string => t !== null)
    .sort();
  return {
    progressPercent: progressPercent(completed, required.length),
    completedLessons: completed,
    requiredLessons: required.length,
    nextLesson: next ? { lessonId: next.id, moduleId: next.moduleId, title: next.title } : null,
    upcomingDue,
    lastActivityAt: activity.at(-1) ?? null,
  };
}

export function learningItem(db: LocalDb, courseId: string, now = Date.now()): LearningItem | null {
  const e = readEnrollment(db, courseId);
  if (!e) return null;
  const detail = readCourseDetail(db, courseId);
  const statuses = lessonStatuses(db, courseId);
  const base = {
    courseId,
    title: detail?.title ?? e.course?.title ?? 'Course',
    status: e.status,
    enrolledAt: e.enrolledAt,
    completedAt: e.completedAt ?? null,
    structureStored: detail !== null,
    offline: offlineStateOf(db, courseId, detail),
  };
  if (detail) return { ...base, ...summarize(detail, statuses, now) };
  return {
    ...base,
    progressPercent: 0,
    completedLessons: 0,
    requiredLessons: 0,
    lastActivityAt: null,
    nextLesson: null,
    upcomingDue: [],
  };
}

export function learningList(db: LocalDb): LearningItem[] {
  const rows = db.select({ courseId: enrollments.courseId }).from(enrollments).all();
  return rows
    .map((r) => learningItem(db, r.courseId))
    .filter((i): i is LearningItem => i !== null && i.status !== 'dropped' && i.status !== 'refunded')
    .sort((a, b) => (b.lastActivityAt ?? b.enrolledAt).localeCompare(a.lastActivityAt ?? a.enrolledAt));
}

function parseJson(text: string | null): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function attemptsFor(db: LocalDb, lessonId: string): AttemptView[] {
  const rows = db.select().from(quizAttempts).where(eq(quizAttempts.lessonId, lessonId)).all();
  return rows
    .map((r): AttemptView => {
      const server =
        r.state === 'graded' ? QuizAttemptResult.partial().safeParse(parseJson(r.resultJson)) : null;
      const serverGrade = r.state === 'graded' ? QuizGrade.safeParse(parseJson(r.resultJson)) : null;
      const local = QuizGrade.safeParse(parseJson(r.localGradeJson));
      const refused = Rejection.safeParse(parseJson(r.resultJson));
      const rejection =
        r.state !== 'rejected'
          ? null
          : refused.success
            ? { code: refused.data.code, message: refused.data.message }
            : { code: 'rejected', message: 'The server refused this attempt.' };
      const grade = serverGrade?.success ? serverGrade.data : local.success ? local.data : null;
      return {
        id: r.id,
        state: r.state,
        submittedAt: r.submittedAt,
        grade,
        gradedBy: serverGrade?.success ? 'server' : local.success ? 'device' : null,
        attemptNumber: server?.success ? (server.data.attemptNumber ?? null) : null,
        rejection,
      };
    })
    .sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
}

export function studyLesson(
  db: LocalDb,
  courseId: string,
  lessonId: string,
  online: boolean,
): StudyLesson | null {
  const detail = readCourseDetail(db, courseId);
  const found = findLesson(detail, lessonId);
  if (!detail || !found) return null;
  const order = detail.modules.flatMap((m) => m.lessons.map((l) => l.id));
  const i = order.indexOf(lessonId);
  const statuses = lessonStatuses(db, courseId);
  const attempts = found.lesson.kind === 'quiz' ? attemptsFor(db, lessonId) : [];
  const allowed = found.lesson.quiz?.attemptsAllowed ?? null;
  const counted = attempts.filter((a) => a.state !== 'rejected').length;
  return {
    courseId,
    courseTitle: detail.title,
    module: { id: found.module.id, title: found.module.title },
    lesson: found.lesson,
    status: statuses[lessonId] ?? NO_STATUS,
    attempts,
    attemptsRemaining: allowed === null ? null : Math.max(0, allowed - counted),
    previousLessonId: i > 0 ? (order[i - 1] ?? null) : null,
    nextLessonId: i >= 0 && i < order.length - 1 ? (order[i + 1] ?? null) : null,
    online,
  };
}
