import type pg from 'pg';
import {
  watchedSeconds,
  type CourseReport,
  type StudentCourseProgress,
  type WatchedInterval,
} from '@lyceum/contracts';
import { ApiError } from '../../http/errors.ts';
import type { Caller } from '../../http/route.ts';
import type { CatalogReader, CourseStructure } from '../catalog/reader.ts';
import { requireCourseStaff } from '../enrollment/access.ts';
import type { EnrollmentRow } from '../enrollment/tables.ts';
import { contactsOf, type UserDirectory } from '../enrollment/users.ts';
import { toAttemptResult, type StoredAttempt } from './attempts.ts';
import type { EnrollmentPort } from './completion.ts';
import { dueDateOf, type LearnerFacts, type ProgressSummaries } from './summary.ts';

/** A student more than this many percentage points behind the class median is "behind". */
export const BEHIND_MARGIN_POINTS = 25;
export const INACTIVE_DAYS = 14;

const iso = (d: Date | null) => d?.toISOString() ?? null;
const round = (n: number, decimals: number) => Math.round(n * 10 ** decimals) / 10 ** decimals;
const percent = (part: number, whole: number) => (whole === 0 ? 0 : round((100 * part) / whole, 1));
const mean = (xs: number[], decimals: number) =>
  xs.length ? round(xs.reduce((a, b) => a + b, 0) / xs.length, decimals) : null;

export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : round((s[mid - 1]! + s[mid]!) / 2, 1);
}

export interface ReportDeps {
  pool: pg.Pool;
  catalog: CatalogReader;
  users: UserDirectory;
  enrollment: EnrollmentPort;
  summaries: ProgressSummaries;
}

export function reportService({ pool, catalog, users, enrollment, summaries }: ReportDeps) {
  async function structureOf(courseId: string): Promise<CourseStructure> {
    const s = await catalog.getStructure(courseId);
    if (!s) throw new ApiError('not_found', 'Course not found');
    return s;
  }

  async function myEnrollment(courseId: string, userId: string): Promise<EnrollmentRow> {
    const row = await enrollment.get(courseId, userId);
    if (!row) throw new ApiError('not_enrolled', 'You are not enrolled in this course');
    return row;
  }

  async function studentProgress(
    userId: string,
    courseId: string,
    row: EnrollmentRow,
  ): Promise<StudentCourseProgress> {
    const structure = await structureOf(courseId);
    const [lessonRows, summary] = await Promise.all([
      pool.query<{
        lesson_id: string;
        position_seconds: number | null;
        completed: boolean;
        completed_at: Date | null;
        last_activity_at: Date;
        watched: WatchedInterval[];
      }>(
        `SELECT lesson_id, position_seconds, completed, completed_at, last_activity_at,
           (SELECT coalesce(json_agg(json_build_array(lower(r), upper(r)) ORDER BY lower(r)), '[]'::json)
              FROM unnest(watched) r) AS watched
         FROM lesson_progress WHERE user_id = $1 AND course_id = $2`,
        [userId, courseId],
      ),
      summaries.forUser(userId, [{ structure, status: row.status }]).then((m) => m.get(courseId)!),
    ]);
    const byLesson = new Map(lessonRows.rows.map((r) => [r.lesson_id, r]));
    return {
      courseId,
      courseTitle: structure.course.title,
      status: row.status,
      enrolledAt: row.enrolledAt.toISOString(),
      completedAt: iso(row.completedAt),
      progressPercent: summary.progressPercent,
      completedLessons: summary.completedLessons,
      requiredLessons: summary.requiredLessons,
      lastActivityAt: iso(summary.lastActivityAt),
      lessons: structure.lessons.map((l) => {
        const p = byLesson.get(l.id);
        return {
          lessonId: l.id,
          title: l.title,
          moduleId: l.moduleId,
          kind: l.kind,
          required: l.required,
          dueAt: iso(dueDateOf(l)),
          positionSeconds: p?.position_seconds ?? null,
          watchedIntervals: p?.watched ?? [],
          watchedSeconds: watchedSeconds(p?.watched ?? []),
          completed: p?.completed ?? false,
          completedAt: iso(p?.completed_at ?? null),
          lastActivityAt: iso(p?.last_activity_at ?? null),
        };
      }),
      quizzes: structure.lessons.flatMap((l) => {
        const q = structure.quizzes.get(l.id);
        if (!q) return [];
        const best = summary.quizzes.get(l.id);
        return [
          {
            lessonId: l.id,
            title: l.title,
            graded: q.graded,
            weight: q.weight,
            passingPercent: q.passingPercent,
            attemptsAllowed: q.attemptsAllowed,
            attempts: best?.attempts ?? 0,
            bestPercent: best?.bestPercent ?? null,
            passed: best?.passed ?? false,
            lastAttemptAt: iso(best?.lastAttemptAt ?? null),
          },
        ];
      }),
      grade: summary.grade,
      gradeSoFar: summary.gradeSoFar,
      nextLesson: row.status === 'completed' ? null : summary.nextLesson,
      upcomingDue: row.status === 'active' ? summary.upcomingDue : [],
    };
  }

  /** Everything the staff needs about every student of a course (gradebook and report share it). */
  async function classFacts(courseId: string, caller: Caller) {
    await requireCourseStaff(catalog, courseId, caller);
    const structure = await structureOf(courseId);
    const rows = await enrollment.listForCourse(courseId);
    const facts = await summaries.forCourse(
      structure,
      rows.map((r) => ({ userId: r.userId, status: r.status })),
    );
    return { structure, rows, facts: facts as Map<string, LearnerFacts> };
  }

  return {
    classFacts,

    /** The signed-in student's own progress in a course (dropped students still see what they did). */
    async myProgress(userId: string, courseId: string): Promise<StudentCourseProgress> {
      await structureOf(courseId);
      return studentProgress(userId, courseId, await myEnrollment(courseId, userId));
    },

    /** One student's progress, for the course's instructors and admins (drilling down from the roster). */
    async progressOfStudent(
      courseId: string,
      caller: Caller,
      userId: string,
    ): Promise<StudentCourseProgress> {
      await requireCourseStaff(catalog, courseId, caller);
      const row = await enrollment.get(courseId, userId);
      if (!row) throw new ApiError('not_found', 'This student is not enrolled in this course');
      return studentProgress(userId, courseId, row);
    },

    /** The student's own attempts, newest first, with their per-question results. */
    async myAttempts(userId: string, courseId: string, lessonId?: string) {
      const structure = await structureOf(courseId);
      await myEnrollment(courseId, userId);
      const r = await pool.query<StoredAttempt>(
        `SELECT * FROM quiz_attempts WHERE user_id = $1 AND course_id = $2 AND ($3::uuid IS NULL OR lesson_id = $3::uuid)
         ORDER BY submitted_at DESC, attempt_no DESC LIMIT 500`,
        [userId, courseId, lessonId ?? null],
      );
      return {
        items: r.rows.map((a) =>
          toAttemptResult(a, structure.quizzes.get(a.lesson_id)?.attemptsAllowed ?? null),
        ),
      };
    },

    async courseReport(courseId: string, caller: Caller, now = new Date()): Promise<CourseReport> {
      const { structure, rows, facts } = await classFacts(courseId, caller);
      const counts = { enrolled: rows.length, active: 0, completed: 0, dropped: 0, refunded: 0 };
      for (const r of rows) counts[r.status] += 1;
      const current = rows.filter((r) => r.status === 'active' || r.status === 'completed');
      const active = rows.filter((r) => r.status === 'active');
      const factsOf = (r: EnrollmentRow) => facts.get(r.userId)!;

      const lessonCounts = await pool.query<{ lesson_id: string; n: number }>(
        `SELECT lesson_id, count(*)::int AS n FROM lesson_progress
         WHERE course_id = $1 AND completed AND user_id = ANY($2::uuid[]) GROUP BY lesson_id`,
        [courseId, current.map((r) => r.userId)],
      );
      const completedBy = new Map(lessonCounts.rows.map((r) => [r.lesson_id, r.n]));

      const grades = current.map((r) => factsOf(r).grade).filter((g): g is number => g !== null);
      const classMedian = median(active.map((r) => factsOf(r).progressPercent));

      const quizzes = structure.lessons.flatMap((l) => {
        const q = structure.quizzes.get(l.id);
        if (!q) return [];
        const bests = current.flatMap((r) => {
          const b = factsOf(r).quizzes.get(l.id);
          return b ? [b] : [];
        });
        return [
          {
            lessonId: l.id,
            title: l.title,
            graded: q.graded,
            weight: q.weight,
            attempts: bests.reduce((n, b) => n + b.attempts, 0),
            studentsAttempted: bests.length,
            averagePercent: mean(
              bests.map((b) => b.bestPercent),
              2,
            ),
            passRate: bests.length ? percent(bests.filter((b) => b.passed).length, bests.length) : null,
          },
        ];
      });

      const flagged = active.flatMap((r) => {
        const f = factsOf(r);
        const reasons: CourseReport['struggling'][number]['reasons'] = [];
        if (classMedian !== null && classMedian - f.progressPercent >= BEHIND_MARGIN_POINTS)
          reasons.push({
            code: 'behind',
            message: `Progress ${f.progressPercent}% is ${round(classMedian - f.progressPercent, 1)} points behind the class median (${classMedian}%)`,
          });
        for (const l of structure.lessons) {
          const q = structure.quizzes.get(l.id);
          const b = f.quizzes.get(l.id);
          if (q?.graded && b && !b.passed)
            reasons.push({
              code: 'failing_quiz',
              message: `Best attempt at "${l.title}" is ${b.bestPercent}% (pass mark ${q.passingPercent}%)`,
            });
        }
        const last = f.lastActivityAt ?? r.enrolledAt;
        const idleDays = Math.floor((now.getTime() - last.getTime()) / 86_400_000);
        if (idleDays >= INACTIVE_DAYS)
          reasons.push({
            code: 'inactive',
            message: f.lastActivityAt
              ? `No activity for ${idleDays} days`
              : `No activity since enrolling ${idleDays} days ago`,
          });
        return reasons.length ? [{ r, f, reasons }] : [];
      });
      const contacts = await contactsOf(
        users,
        flagged.map((x) => x.r.userId),
      );
      const struggling = flagged
        .map(({ r, f, reasons }) => ({
          userId: r.userId,
          name: contacts.get(r.userId)?.name ?? '',
          email: contacts.get(r.userId)?.email ?? '',
          progressPercent: f.progressPercent,
          grade: f.grade,
          lastActivityAt: iso(f.lastActivityAt),
          reasons,
        }))
        .sort(
          (a, b) =>
            b.reasons.length - a.reasons.length ||
            a.progressPercent - b.progressPercent ||
            a.name.localeCompare(b.name),
        );

      return {
        courseId,
        generatedAt: now.toISOString(),
        counts,
        completionRate: percent(counts.completed, counts.enrolled),
        averageProgressPercent: mean(
          current.map((r) => factsOf(r).progressPercent),
          1,
        ),
        medianProgressPercent: classMedian,
        averageGrade: mean(grades, 2),
        lessons: structure.lessons.map((l) => ({
          lessonId: l.id,
          title: l.title,
          required: l.required,
          completedCount: completedBy.get(l.id) ?? 0,
          completionRate: percent(completedBy.get(l.id) ?? 0, current.length),
        })),
        quizzes,
        struggling,
        thresholds: { behindMarginPoints: BEHIND_MARGIN_POINTS, inactiveDays: INACTIVE_DAYS },
      };
    },
  };
}
export type ReportService = ReturnType<typeof reportService>;
