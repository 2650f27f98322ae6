import { eq } from 'drizzle-orm';
import type { CourseDetail } from '@lyceum/contracts';
import type { CourseDownload, CourseProgress, DownloadList } from '../content-schemas.ts';
import type { Downloads } from '../downloads/index.ts';
import { ServerUnreachable } from '../server/client.ts';
import type { LocalDb } from '../store/open.ts';
import { offlineCourses } from '../store/tables.ts';
import { readCourseDetail } from '../sync/local-state.ts';

export interface OfflineCopiesDeps {
  db: LocalDb;
  downloads: Downloads;
  online: () => boolean;
  /** Fetch the course as the student sees it now and store it (structure, text, quizzes). */
  storeCourse: (courseId: string) => Promise<CourseDetail>;
}

/** A copy that is complete is planned again this often (new uploads, changed files, fresh quality choice). */
const REPLAN_READY_MS = 15 * 60_000;
/** A copy with failed files gets a fresh set of tries this often (after a sync). */
const REPLAN_FAILED_MS = 5 * 60_000;

type Row = typeof offlineCourses.$inferSelect;

/**
 * What a course's offline copy holds: every lesson whose content is on this device — text and quizzes in the
 * stored structure, video and slide lessons once every file planned for them is downloaded (a lesson with nothing to
 * download counts as stored).
 */
export function countStored(
  detail: CourseDetail | null,
  progress: CourseProgress,
): { stored: number; total: number } {
  const lessons = detail?.modules.flatMap((m) => m.lessons) ?? [];
  const files = new Map(progress.lessons.map((l) => [l.lessonId, l]));
  const stored = lessons.filter((l) => {
    if (l.kind === 'text') return l.body !== undefined && !l.locked;
    if (l.kind === 'quiz') return l.quiz?.questions !== undefined;
    const p = files.get(l.id);
    return !l.locked && (!p || p.filesDone === p.files);
  }).length;
  return { stored, total: lessons.length };
}

function describe(err: unknown): string {
  if (err instanceof ServerUnreachable)
    return 'The server cannot be reached; the download continues when you are back online.';
  return err instanceof Error ? err.message : String(err);
}

/**
 * "Available offline": the course's structure in the local store plus its media through the download manager, with
 * offline_courses kept in step with the download progress (ready once every file is stored).
 */
export function offlineCopies(d: OfflineCopiesDeps) {
  const { db, downloads } = d;
  const planning = new Set<string>();
  /** When each course was last planned successfully (this run of the app). */
  const planned = new Map<string, number>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const now = () => new Date().toISOString();

  const rowOf = (courseId: string): Row | undefined =>
    db.select().from(offlineCourses).where(eq(offlineCourses.courseId, courseId)).get();
  const setRow = (courseId: string, set: Partial<Row>) =>
    db
      .update(offlineCourses)
      .set({ ...set, updatedAt: now() })
      .where(eq(offlineCourses.courseId, courseId))
      .run();

  /** Bring the course's row in line with its structure and downloads. `afterPlan`: an empty plan means "ready". */
  function reconcile(courseId: string, afterPlan = false): void {
    const row = rowOf(courseId);
    if (!row || planning.has(courseId)) return;
    const progress = downloads.progress(courseId);
    if (progress.state === 'empty' && !afterPlan) return;
    const { stored, total } = countStored(readCourseDetail(db, courseId), progress);
    const state =
      progress.state === 'failed'
        ? 'failed'
        : progress.state === 'done' || progress.state === 'empty'
          ? 'ready'
          : 'downloading';
    const firstError = progress.lessons.flatMap((l) => l.errors)[0];
    const error =
      state === 'failed'
        ? `${progress.filesFailed} ${progress.filesFailed === 1 ? 'file' : 'files'} could not be downloaded${
            firstError ? ` (${firstError})` : ''
          }`
        : null;
    if (row.state === state && row.storedItems === stored && row.totalItems === total && row.error === error)
      return;
    setRow(courseId, { state, storedItems: stored, totalItems: total, error });
  }

  // Progress ticks come often (every 256 KiB per file): the row follows a moment later, once per burst.
  downloads.subscribe((courseId) => {
    if (timers.has(courseId)) return;
    const t = setTimeout(() => {
      timers.delete(courseId);
      try {
        reconcile(courseId);
      } catch {
        // The store closed under a late tick (the app is quitting): nothing to keep in step any more.
      }
    }, 100);
    t.unref?.();
    timers.set(courseId, t);
  });

  /** Store the structure and queue the media; failures (offline, not enrolled) land in the row. */
  async function plan(courseId: string): Promise<void> {
    if (planning.has(courseId)) return;
    planning.add(courseId);
    try {
      await d.storeCourse(courseId);
      await downloads.makeAvailable(courseId);
      planning.delete(courseId);
      if (!rowOf(courseId)) {
        // Turned off while it was being planned.
        await downloads.remove(courseId);
        return;
      }
      planned.set(courseId, Date.now());
      reconcile(courseId, true);
    } catch (err) {
      planning.delete(courseId);
      if (rowOf(courseId)) setRow(courseId, { state: 'failed', error: describe(err) });
    }
  }

  const withDisk = (p: CourseProgress): CourseDownload => ({
    ...p,
    diskBytes: downloads.diskUsage(p.courseId),
  });

  return {
    reconcile,

    async enable(courseId: string): Promise<void> {
      const at = now();
      db.insert(offlineCourses)
        .values({
          courseId,
          state: 'downloading',
          storedItems: 0,
          totalItems: 0,
          requestedAt: at,
          updatedAt: at,
        })
        .onConflictDoUpdate({
          target: offlineCourses.courseId,
          set: { state: 'downloading', error: null, updatedAt: at },
        })
        .run();
      await plan(courseId);
    },

    /** "Remove offline copy": the row, the queued files and every stored byte. */
    async disable(courseId: string): Promise<void> {
      db.delete(offlineCourses).where(eq(offlineCourses.courseId, courseId)).run();
      planned.delete(courseId);
      await downloads.remove(courseId);
    },

    /** After a sync: plan again what failed or was requested offline, and now and then what is complete. */
    async resumeAll(): Promise<void> {
      if (!d.online()) return;
      const at = Date.now();
      for (const r of db.select().from(offlineCourses).all()) {
        const state = downloads.progress(r.courseId).state;
        if (state === 'paused' || state === 'downloading') continue;
        const last = planned.get(r.courseId);
        const due =
          last === undefined ||
          (r.state === 'ready' && at - last > REPLAN_READY_MS) ||
          (r.state === 'failed' && at - last > REPLAN_FAILED_MS);
        if (r.state === 'failed' && state === 'empty') await plan(r.courseId);
        else if (due) await plan(r.courseId);
      }
    },

    async pause(courseId: string): Promise<CourseDownload> {
      await downloads.pause(courseId);
      reconcile(courseId);
      return withDisk(downloads.progress(courseId));
    },

    /** Continue a paused copy; failed files get fresh tries; a copy never planned (offline) is planned now. */
    async resume(courseId: string): Promise<CourseDownload> {
      downloads.resume(courseId);
      if (rowOf(courseId) && (downloads.progress(courseId).state === 'empty' || !planned.has(courseId)))
        await plan(courseId);
      else reconcile(courseId);
      return withDisk(downloads.progress(courseId));
    },

    async verify(courseId: string): Promise<{ requeued: string[]; download: CourseDownload }> {
      const requeued = await downloads.verify(courseId);
      reconcile(courseId);
      return { requeued, download: withDisk(downloads.progress(courseId)) };
    },

    progress: (courseId: string): CourseDownload => withDisk(downloads.progress(courseId)),

    list(): DownloadList {
      return {
        courses: downloads.courses().map(withDisk),
        totalDiskBytes: downloads.totalDiskUsage(),
        freeBytes: downloads.freeBytes(),
      };
    },
  };
}
export type OfflineCopies = ReturnType<typeof offlineCopies>;
