import type pg from 'pg';
import type { Deadline } from '@lyceum/contracts';
import { ApiError } from '../../../http/errors.ts';

const DAY = 86_400_000;
/** Default window: recent overdue work and the coming year. */
export const DEFAULT_PAST_DAYS = 30;
export const DEFAULT_AHEAD_DAYS = 365;
export const MAX_RANGE_DAYS = 400;

/** The in-app link to a lesson the student studies. */
export const lessonUrl = (courseId: string, lessonId: string) => `/learn/${courseId}/lessons/${lessonId}`;

interface Row {
  course_id: string;
  course_title: string;
  lesson_id: string;
  lesson_title: string;
  kind: Deadline['kind'];
  due_at: Date;
  completed: boolean;
}

/** Resolve ?from=&to= into a checked window (400 validation_failed when reversed or too wide). */
export function deadlineWindow(
  q: { from?: string; to?: string },
  now = new Date(),
): { from: Date; to: Date } {
  const from = q.from ? new Date(q.from) : new Date(now.getTime() - DEFAULT_PAST_DAYS * DAY);
  const to = q.to
    ? new Date(q.to)
    : new Date(from.getTime() + (DEFAULT_PAST_DAYS + DEFAULT_AHEAD_DAYS) * DAY);
  if (to.getTime() < from.getTime())
    throw new ApiError('validation_failed', '`to` is before `from`', { field: 'to' });
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY)
    throw new ApiError('validation_failed', `At most ${MAX_RANGE_DAYS} days at a time`, { field: 'to' });
  return { from, to };
}

/**
 * What is due for a student in a window, soonest first: lessons with a due date in the courses they study (active or
 * completed enrollments of published or archived courses), released lessons only, with whether each is completed.
 */
export async function deadlinesFor(
  pool: pg.Pool,
  userId: string,
  window: { from: Date; to: Date },
  now = new Date(),
): Promise<Deadline[]> {
  const r = await pool.query<Row>(
    `SELECT c.id AS course_id, c.title AS course_title, l.id AS lesson_id, l.title AS lesson_title, l.kind, l.due_at,
            COALESCE(lp.completed, false) AS completed
     FROM enrollments e
     JOIN courses c ON c.id = e.course_id AND c.status IN ('published', 'archived')
     JOIN lessons l ON l.course_id = e.course_id AND l.due_at IS NOT NULL
     LEFT JOIN lesson_progress lp ON lp.user_id = e.user_id AND lp.course_id = l.course_id AND lp.lesson_id = l.id
     WHERE e.user_id = $1 AND e.status IN ('active', 'completed')
       AND l.due_at >= $2 AND l.due_at <= $3
       AND (l.release_at IS NULL OR l.release_at <= $4)
     ORDER BY l.due_at, c.title, l.title, l.id
     LIMIT 2000`,
    [userId, window.from, window.to, now],
  );
  return r.rows.map((row) => ({
    courseId: row.course_id,
    courseTitle: row.course_title,
    lessonId: row.lesson_id,
    lessonTitle: row.lesson_title,
    kind: row.kind,
    dueAt: row.due_at.toISOString(),
    completed: row.completed,
    overdue: !row.completed && row.due_at.getTime() < now.getTime(),
    url: lessonUrl(row.course_id, row.lesson_id),
  }));
}
