import type pg from 'pg';
import {
  courseGrade,
  progressPercent,
  type DueItem,
  type EnrollmentStatus,
  type NextLesson,
} from '@lyceum/contracts';
import type { CourseStructure, LessonRef } from '../catalog/reader.ts';

export interface QuizBest {
  bestPercent: number;
  passed: boolean;
  attempts: number;
  lastAttemptAt: Date | null;
}

/** Where one student stands in one course. */
export interface LearnerFacts {
  /** Completed required lessons. */
  completedLessons: number;
  requiredLessons: number;
  progressPercent: number;
  grade: number | null;
  gradeSoFar: number | null;
  lastActivityAt: Date | null;
  /** Best attempt per quiz (by quiz lesson id), attempted quizzes only. */
  quizzes: Map<string, QuizBest>;
}

export interface LearnerSummary extends LearnerFacts {
  nextLesson: NextLesson | null;
  upcomingDue: DueItem[];
}

/** What the enrollment module asks of progress for "My Learning" and rosters. */
export interface ProgressSummaries {
  forUser(
    userId: string,
    courses: { structure: CourseStructure; status: EnrollmentStatus }[],
  ): Promise<Map<string, LearnerSummary>>;
  forCourse(
    structure: CourseStructure,
    learners: { userId: string; status: EnrollmentStatus }[],
  ): Promise<Map<string, LearnerFacts>>;
}

export const requiredLessonIds = (s: CourseStructure): string[] =>
  s.lessons.filter((l) => l.required).map((l) => l.id);

export const gradedQuizIds = (s: CourseStructure): string[] =>
  s.lessons.filter((l) => s.quizzes.get(l.id)?.graded).map((l) => l.id);

/** Combine stored facts with the course structure into percent and grades. */
export function learnerFacts(
  s: CourseStructure,
  status: EnrollmentStatus,
  completedRequired: number,
  lastActivityAt: Date | null,
  quizzes: Map<string, QuizBest>,
): LearnerFacts {
  const requiredLessons = requiredLessonIds(s).length;
  const grades = courseGrade(
    [...s.quizzes.values()].map((q) => ({
      graded: q.graded,
      weight: q.weight,
      bestPercent: quizzes.get(q.lessonId)?.bestPercent ?? null,
    })),
  );
  return {
    completedLessons: completedRequired,
    requiredLessons,
    progressPercent: progressPercent(completedRequired, requiredLessons, status === 'completed'),
    grade: grades.grade,
    gradeSoFar: grades.gradeSoFar,
    lastActivityAt,
    quizzes,
  };
}

/** The first lesson in study order the student has not completed. */
export function nextLessonOf(s: CourseStructure, completed: ReadonlySet<string>): NextLesson | null {
  const l = s.lessons.find((x) => !completed.has(x.id));
  return l ? { lessonId: l.id, moduleId: l.moduleId, title: l.title } : null;
}

/** A lesson's due date as a Date (the reader's raw SQL may hand it over as a string). */
export const dueDateOf = (l: LessonRef): Date | null => (l.dueAt ? new Date(l.dueAt) : null);

/** Incomplete lessons with a due date, soonest first, at most `limit`. */
export function upcomingDueOf(
  s: CourseStructure,
  completed: ReadonlySet<string>,
  now = Date.now(),
  limit = 5,
): DueItem[] {
  return s.lessons
    .flatMap((l) => {
      const due = dueDateOf(l);
      return due && !completed.has(l.id) ? [{ l, due }] : [];
    })
    .sort((a, b) => a.due.getTime() - b.due.getTime())
    .slice(0, limit)
    .map(({ l, due }) => ({
      lessonId: l.id,
      title: l.title,
      dueAt: due.toISOString(),
      overdue: due.getTime() < now,
    }));
}

const maxDate = (a: Date | null, b: Date | null) => (!a ? b : !b ? a : a > b ? a : b);

interface BestRow {
  key: string;
  lesson_id: string;
  best: number;
  passed: boolean;
  attempts: number;
  last: Date | null;
}

function groupBests(rows: BestRow[]): Map<string, Map<string, QuizBest>> {
  const out = new Map<string, Map<string, QuizBest>>();
  for (const r of rows) {
    let m = out.get(r.key);
    if (!m) out.set(r.key, (m = new Map()));
    m.set(r.lesson_id, {
      bestPercent: r.best,
      passed: r.passed,
      attempts: r.attempts,
      lastAttemptAt: r.last,
    });
  }
  return out;
}

export function progressSummaries(pool: pg.Pool): ProgressSummaries {
  return {
    async forUser(userId, courses) {
      const out = new Map<string, LearnerSummary>();
      if (courses.length === 0) return out;
      const ids = courses.map((c) => c.structure.course.id);
      const [lessons, bests] = await Promise.all([
        pool.query<{ course_id: string; lesson_id: string; completed: boolean; last_activity_at: Date }>(
          `SELECT course_id, lesson_id, completed, last_activity_at FROM lesson_progress
           WHERE user_id = $1 AND course_id = ANY($2::uuid[])`,
          [userId, ids],
        ),
        pool.query<BestRow>(
          `SELECT course_id AS key, lesson_id, max(percent) AS best, bool_or(passed) AS passed,
             count(*)::int AS attempts, max(submitted_at) AS last
           FROM quiz_attempts WHERE user_id = $1 AND course_id = ANY($2::uuid[]) GROUP BY course_id, lesson_id`,
          [userId, ids],
        ),
      ]);
      const bestsByCourse = groupBests(bests.rows);
      for (const { structure, status } of courses) {
        const courseId = structure.course.id;
        const rows = lessons.rows.filter((r) => r.course_id === courseId);
        const completed = new Set(rows.filter((r) => r.completed).map((r) => r.lesson_id));
        const last = rows.reduce<Date | null>((acc, r) => maxDate(acc, r.last_activity_at), null);
        const required = requiredLessonIds(structure).filter((id) => completed.has(id)).length;
        out.set(courseId, {
          ...learnerFacts(structure, status, required, last, bestsByCourse.get(courseId) ?? new Map()),
          nextLesson: nextLessonOf(structure, completed),
          upcomingDue: upcomingDueOf(structure, completed),
        });
      }
      return out;
    },

    async forCourse(structure, learners) {
      const courseId = structure.course.id;
      const [lessons, bests] = await Promise.all([
        pool.query<{ user_id: string; done: number; last: Date | null }>(
          `SELECT user_id, count(*) FILTER (WHERE completed AND lesson_id = ANY($2::uuid[]))::int AS done,
             max(last_activity_at) AS last
           FROM lesson_progress WHERE course_id = $1 GROUP BY user_id`,
          [courseId, requiredLessonIds(structure)],
        ),
        pool.query<BestRow>(
          `SELECT user_id AS key, lesson_id, max(percent) AS best, bool_or(passed) AS passed,
             count(*)::int AS attempts, max(submitted_at) AS last
           FROM quiz_attempts WHERE course_id = $1 GROUP BY user_id, lesson_id`,
          [courseId],
        ),
      ]);
      const byUser = new Map(lessons.rows.map((r) => [r.user_id, r]));
      const bestsByUser = groupBests(bests.rows);
      const out = new Map<string, LearnerFacts>();
      for (const { userId, status } of learners) {
        const row = byUser.get(userId);
        out.set(
          userId,
          learnerFacts(
            structure,
            status,
            row?.done ?? 0,
            row?.last ?? null,
            bestsByUser.get(userId) ?? new Map(),
          ),
        );
      }
      return out;
    },
  };
}
