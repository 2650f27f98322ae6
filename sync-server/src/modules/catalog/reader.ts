import { sql } from 'drizzle-orm';
import { AnswerKey, type GradableQuestion } from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';

/** What other modules may know about a course (the catalog module owns the tables). */
export interface CourseRef {
  id: string;
  title: string;
  status: 'draft' | 'published' | 'archived';
  ownerId: string;
  instructorIds: string[];
  priceCents: number;
  currency: string | null;
  prerequisiteIds: string[];
}

export interface LessonRef {
  id: string;
  moduleId: string;
  title: string;
  kind: 'video' | 'slides' | 'text' | 'quiz';
  position: number;
  required: boolean;
  durationMinutes: number;
  dueAt: Date | null;
}

export interface QuizRef {
  lessonId: string;
  passingPercent: number;
  attemptsAllowed: number | null;
  graded: boolean;
  weight: number;
  deviceGradable: boolean;
  questions: GradableQuestion[];
}

export interface CourseStructure {
  course: CourseRef;
  /** Lessons in study order (module position, then lesson position). */
  lessons: LessonRef[];
  quizzes: Map<string, QuizRef>;
}

export interface CatalogReader {
  getCourse(id: string): Promise<CourseRef | null>;
  getStructure(id: string): Promise<CourseStructure | null>;
  /**
   * True when the lesson belongs to the course, published or still only in its draft (an instructor's device uploads
   * the video of a lesson it added offline before the course is published again).
   */
  hasLesson(courseId: string, lessonId: string): Promise<boolean>;
  /** True when the user is one of the course's instructors. */
  isInstructor(courseId: string, userId: string): Promise<boolean>;
  /** The ids of the courses the user teaches. */
  coursesTaughtBy(userId: string): Promise<string[]>;
  /** Popularity counter kept on the course for sorting; called by the enrollment module. */
  adjustEnrollmentCount(courseId: string, delta: number): Promise<void>;
  /** Forget cached structures of a course (after an edit). */
  invalidate(courseId: string): void;
}

/**
 * Reads course facts for other modules. Structures are cached in memory for a few seconds and dropped on edit,
 * because progress writes (the hottest path) need the quiz keys and lesson list of a course on every request.
 */
export function catalogReader(db: Db, cacheMs = 10_000): CatalogReader {
  const cache = new Map<string, { at: number; value: Promise<CourseStructure | null> }>();

  async function getCourse(id: string): Promise<CourseRef | null> {
    const r = await db.execute<{
      id: string;
      title: string;
      status: CourseRef['status'];
      owner_id: string;
      price_cents: number;
      currency: string | null;
      instructor_ids: string[] | null;
      prerequisite_ids: string[] | null;
    }>(sql`
      SELECT c.id, c.title, c.status, c.owner_id, c.price_cents, c.currency,
        (SELECT array_agg(ci.user_id ORDER BY ci.position) FROM course_instructors ci WHERE ci.course_id = c.id) AS instructor_ids,
        (SELECT array_agg(cp.prerequisite_id) FROM course_prerequisites cp WHERE cp.course_id = c.id) AS prerequisite_ids
      FROM courses c WHERE c.id = ${id}`);
    const row = r.rows[0];
    if (!row) return null;
    return {
      id: row.id,
      title: row.title,
      status: row.status,
      ownerId: row.owner_id,
      instructorIds: row.instructor_ids ?? [row.owner_id],
      priceCents: row.price_cents,
      currency: row.currency,
      prerequisiteIds: row.prerequisite_ids ?? [],
    };
  }

  async function loadStructure(id: string): Promise<CourseStructure | null> {
    const course = await getCourse(id);
    if (!course) return null;
    const lessons = await db.execute<{
      id: string;
      module_id: string;
      title: string;
      kind: LessonRef['kind'];
      position: number;
      required: boolean;
      duration_minutes: number;
      due_at: string | Date | null;
    }>(sql`
      SELECT l.id, l.module_id, l.title, l.kind, l.position, l.required, l.duration_minutes, l.due_at
      FROM lessons l JOIN course_modules m ON m.id = l.module_id
      WHERE l.course_id = ${id} ORDER BY m.position, l.position`);
    const quizRows = await db.execute<{
      lesson_id: string;
      passing_percent: number;
      attempts_allowed: number | null;
      graded: boolean;
      weight: number;
      device_gradable: boolean;
      questions: { id: string; points: number; answer: unknown; feedback: unknown }[] | null;
    }>(sql`
      SELECT q.lesson_id, q.passing_percent, q.attempts_allowed, q.graded, q.weight, q.device_gradable,
        (SELECT json_agg(json_build_object('id', qq.id, 'points', qq.points, 'answer', qq.answer, 'feedback', qq.feedback) ORDER BY qq.position)
           FROM quiz_questions qq WHERE qq.lesson_id = q.lesson_id) AS questions
      FROM quizzes q WHERE q.course_id = ${id}`);
    const quizzes = new Map<string, QuizRef>();
    for (const q of quizRows.rows) {
      quizzes.set(q.lesson_id, {
        lessonId: q.lesson_id,
        passingPercent: q.passing_percent,
        attemptsAllowed: q.attempts_allowed,
        graded: q.graded,
        weight: q.weight,
        deviceGradable: q.device_gradable,
        questions: (q.questions ?? []).map((qq) => ({
          id: qq.id,
          points: qq.points,
          key: AnswerKey.parse(qq.answer),
          feedback: (qq.feedback ?? {}) as GradableQuestion['feedback'],
        })),
      });
    }
    return {
      course,
      lessons: lessons.rows.map((l) => ({
        id: l.id,
        moduleId: l.module_id,
        title: l.title,
        kind: l.kind,
        position: l.position,
        required: l.required,
        durationMinutes: l.duration_minutes,
        dueAt: l.due_at ? new Date(l.due_at) : null,
      })),
      quizzes,
    };
  }

  return {
    getCourse,
    getStructure(id) {
      const hit = cache.get(id);
      if (hit && Date.now() - hit.at < cacheMs) return hit.value;
      const value = loadStructure(id);
      if (cache.size > 5000) cache.clear();
      cache.set(id, { at: Date.now(), value });
      value.catch(() => cache.delete(id));
      return value;
    },
    async hasLesson(courseId, lessonId) {
      const r = await db.execute(sql`
        SELECT 1 FROM lessons WHERE id = ${lessonId} AND course_id = ${courseId}
        UNION ALL
        (SELECT 1 FROM course_drafts d, json_array_elements(d.doc->'modules') m, json_array_elements(m->'lessons') l
         WHERE d.course_id = ${courseId} AND l->>'id' = ${lessonId} LIMIT 1)`);
      return r.rows.length > 0;
    },
    async isInstructor(courseId, userId) {
      const r = await db.execute(
        sql`SELECT 1 FROM course_instructors WHERE course_id = ${courseId} AND user_id = ${userId}`,
      );
      return r.rows.length > 0;
    },
    async coursesTaughtBy(userId) {
      const r = await db.execute<{ course_id: string }>(
        sql`SELECT course_id FROM course_instructors WHERE user_id = ${userId}`,
      );
      return r.rows.map((row) => row.course_id);
    },
    async adjustEnrollmentCount(courseId, delta) {
      await db.execute(
        sql`UPDATE courses SET enrollment_count = GREATEST(0, enrollment_count + ${delta}) WHERE id = ${courseId}`,
      );
    },
    invalidate(courseId) {
      cache.delete(courseId);
    },
  };
}
