import { createHash } from 'node:crypto';
import { isCourseComplete } from '@lyceum/contracts';
import { ApiError } from '../../http/errors.ts';
import type { CatalogReader, CourseStructure, LessonRef } from '../catalog/reader.ts';
import type { EnrollmentService } from '../enrollment/service.ts';
import type { Queryable } from './queryable.ts';
import { gradedQuizIds } from './summary.ts';

/** What the progress module needs from the enrollment module. */
export type EnrollmentPort = Pick<
  EnrollmentService,
  'statusSubquery' | 'markCompleted' | 'get' | 'listForCourse'
>;

export const sha256 = (value: unknown): string =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** A prepared statement's name, derived from its text so a changed statement never reuses an old plan's name. */
export const statementName = (prefix: string, text: string): string =>
  `${prefix}_${sha256(text).slice(0, 12)}`;

/** Device times as ISO strings in milliseconds, so equal instants compare equal whatever offset they were sent with. */
export const normalizeTime = (iso: string): string => new Date(iso).toISOString();

/** The course structure and the lesson, or 404. */
export async function lessonOf(
  catalog: CatalogReader,
  courseId: string,
  lessonId: string,
): Promise<{ structure: CourseStructure; lesson: LessonRef }> {
  const structure = await catalog.getStructure(courseId);
  if (!structure) throw new ApiError('not_found', 'Course not found');
  const lesson = structure.lessons.find((l) => l.id === lessonId);
  if (!lesson) throw new ApiError('not_found', 'This lesson is not part of this course');
  return { structure, lesson };
}

/**
 * Course completion rule, evaluated only when a write newly completed a lesson or passed a quiz (so the hot path
 * pays nothing otherwise): every required lesson complete and every graded quiz passed → enrollment completed.
 * Each writer checks after its own commit, so with concurrent writes the last one to commit sees them all.
 */
export function completionChecker(pool: Queryable, enrollment: EnrollmentPort) {
  return async function completeIfDone(structure: CourseStructure, userId: string): Promise<boolean> {
    const courseId = structure.course.id;
    const r = await pool.query<{ lesson_id: string; kind: 'lesson' | 'quiz' }>(
      `SELECT lesson_id, 'lesson' AS kind FROM lesson_progress WHERE user_id = $1 AND course_id = $2 AND completed
       UNION ALL
       SELECT DISTINCT lesson_id, 'quiz' AS kind FROM quiz_attempts WHERE user_id = $1 AND course_id = $2 AND passed`,
      [userId, courseId],
    );
    const done = new Set(r.rows.filter((x) => x.kind === 'lesson').map((x) => x.lesson_id));
    const passed = new Set(r.rows.filter((x) => x.kind === 'quiz').map((x) => x.lesson_id));
    if (!isCourseComplete(structure.lessons, gradedQuizIds(structure), done, passed)) return false;
    if (await enrollment.markCompleted(courseId, userId)) return true;
    return (await enrollment.get(courseId, userId))?.status === 'completed';
  };
}
export type CompletionChecker = ReturnType<typeof completionChecker>;
