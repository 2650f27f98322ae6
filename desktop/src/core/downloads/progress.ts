import { eq } from 'drizzle-orm';
import type { CourseDownloadState, CourseProgress, LessonProgress } from '../../contracts/content.ts';
import type { LocalDb } from '../store/open.ts';
import { downloadItems, type DownloadStatus } from './tables.ts';

export type { CourseDownloadState, CourseProgress, LessonProgress };

type Counts = Pick<CourseProgress, 'bytesTotal' | 'bytesDone' | 'files' | 'filesDone' | 'filesFailed'>;

const zero = (): Counts => ({ bytesTotal: 0, bytesDone: 0, files: 0, filesDone: 0, filesFailed: 0 });

/** Progress of a course's offline copy, per lesson and overall (bytes done / total), from download_items. */
export function courseProgress(
  db: LocalDb,
  courseId: string,
  live: ReadonlyMap<number, number> = new Map(),
): CourseProgress {
  const rows = db.select().from(downloadItems).where(eq(downloadItems.courseId, courseId)).all();
  const total = zero();
  const lessons = new Map<string, LessonProgress>();
  const statuses = new Set<DownloadStatus>();
  for (const r of rows) {
    statuses.add(r.status);
    const l = lessons.get(r.lessonId) ?? { lessonId: r.lessonId, errors: [], ...zero() };
    lessons.set(r.lessonId, l);
    const done = r.status === 'done' ? r.size : Math.min(r.size, live.get(r.id) ?? r.bytesDone);
    for (const c of [total, l]) {
      c.bytesTotal += r.size;
      c.bytesDone += done;
      c.files += 1;
      if (r.status === 'done') c.filesDone += 1;
      if (r.status === 'failed') c.filesFailed += 1;
    }
    if (r.status === 'failed' && r.error && l.errors.length < 3) l.errors.push(`${r.relPath}: ${r.error}`);
  }
  const state: CourseDownloadState =
    rows.length === 0
      ? 'empty'
      : statuses.has('queued') || statuses.has('downloading')
        ? 'downloading'
        : statuses.has('paused')
          ? 'paused'
          : statuses.has('failed')
            ? 'failed'
            : 'done';
  return { courseId, state, ...total, lessons: [...lessons.values()] };
}
