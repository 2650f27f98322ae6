import { inArray } from 'drizzle-orm';
import type { UpcomingItem, UpcomingView } from '../../contracts/notifications.ts';
import type { LocalDb } from '../store/open.ts';
import { enrollments } from '../store/tables.ts';
import { lessonStatuses } from '../services/learning-read.ts';
import { readCourseDetail } from '../sync/local-state.ts';

/** Enrolment states whose deadlines concern the student. */
const STUDYING = ['active', 'completed'];

export const lessonHref = (courseId: string, lessonId: string) =>
  `/learn/${encodeURIComponent(courseId)}/lessons/${encodeURIComponent(lessonId)}`;

/**
 * Every incomplete lesson or quiz with a due date across the enrolled courses, soonest first (overdue ones first, as
 * they are the soonest), read from the stored course structures and lesson states: works offline.
 */
export function upcoming(db: LocalDb, now = Date.now()): UpcomingView {
  const rows = db
    .select({ courseId: enrollments.courseId })
    .from(enrollments)
    .where(inArray(enrollments.status, STUDYING))
    .all();
  const items: UpcomingItem[] = [];
  let coursesMissing = 0;
  for (const { courseId } of rows) {
    const detail = readCourseDetail(db, courseId);
    if (!detail) {
      coursesMissing += 1;
      continue;
    }
    const statuses = lessonStatuses(db, courseId);
    for (const m of detail.modules)
      for (const l of m.lessons) {
        if (!l.dueAt || statuses[l.id]?.completed) continue;
        items.push({
          courseId,
          courseTitle: detail.title,
          lessonId: l.id,
          lessonTitle: l.title,
          kind: l.kind,
          dueAt: l.dueAt,
          overdue: Date.parse(l.dueAt) < now,
          href: lessonHref(courseId, l.id),
        });
      }
  }
  items.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || a.lessonId.localeCompare(b.lessonId));
  return { items, coursesMissing };
}
