import { eq } from 'drizzle-orm';
import type { CourseDetail } from '@lyceum/contracts';
import type {
  CourseDownload,
  CourseProgress,
  DownloadList,
  LessonOffline,
  LessonUpdate,
  OfflineNotice,
  VerifyResult,
} from '../../contracts/content.ts';
import type { Downloads } from '../downloads/index.ts';
import { ServerUnreachable } from '../server/errors.ts';
import type { LocalDb } from '../store/open.ts';
import { offlineCourses } from '../store/tables.ts';
import { findLesson, readCourseDetail } from '../sync/local-state.ts';

export interface OfflineCopiesDeps {
  db: LocalDb;
  downloads: Downloads;
  online: () => boolean;
  /** Fetch the course as the student sees it now and store it (structure, text, quizzes). */
  storeCourse: (courseId: string) => Promise<CourseDetail>;
  onError?: (err: unknown) => void;
}

/** A copy is compared with the server's manifests this often even when no pulled change says so (new files, quality). */
const CHECK_MS = 10 * 60_000;
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
  updates: LessonUpdate[] = [],
): { stored: number; total: number } {
  const lessons = detail?.modules.flatMap((m) => m.lessons) ?? [];
  const files = new Map(progress.lessons.map((l) => [l.lessonId, l]));
  // A lesson with new content not downloaded yet is not (wholly) on this device, whatever else of it is.
  const waiting = new Set(updates.filter((u) => u.state === 'waiting').map((u) => u.lessonId));
  const stored = lessons.filter((l) => {
    if (waiting.has(l.id)) return false;
    const p = files.get(l.id);
    const filesStored = !p || p.filesDone === p.files;
    if (l.kind === 'text') return l.body !== undefined && !l.locked && filesStored;
    if (l.kind === 'quiz') return l.quiz?.questions !== undefined && filesStored;
    return !l.locked && filesStored;
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
  /** When each course was last compared with the server's manifests (this run of the app). */
  const checked = new Map<string, number>();
  const checkEvery = downloads.updateCheckMs ?? CHECK_MS;
  const { updates } = downloads;
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
    updates.settle(courseId);
    const progress = downloads.progress(courseId);
    const pending = updates.list(courseId);
    if (progress.state === 'empty' && !afterPlan && pending.length === 0) return;
    const { stored, total } = countStored(readCourseDetail(db, courseId), progress, pending);
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
    updates: updates.list(p.courseId),
    updatesHeld: downloads.policy.held(),
  });

  /** A copy that was planned (its files queued or stored, or nothing to store) follows the server's content. */
  const followed = (courseId: string): boolean => {
    const row = rowOf(courseId);
    if (!row || planning.has(courseId)) return false;
    return row.state === 'ready' || downloads.progress(courseId).state !== 'empty';
  };

  /** Compare a copy with the server's manifests; new and changed files download unless held ("only on Wi-Fi"). */
  async function checkUpdates(courseId: string, force = false): Promise<LessonUpdate[]> {
    // Marked at the start: the periodic check after the same sync does not run it a second time.
    checked.set(courseId, Date.now());
    const found = await updates.check(courseId, { force });
    reconcile(courseId);
    return found;
  }

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
      checked.delete(courseId);
      updates.forget(courseId);
      await downloads.remove(courseId);
    },

    /** A pulled change touched these courses: the ones kept offline are compared with the server at once. */
    async contentChanged(courseIds: string[]): Promise<void> {
      if (!d.online()) return;
      for (const courseId of new Set(courseIds)) {
        if (!followed(courseId)) continue;
        await checkUpdates(courseId).catch((err: unknown) => {
          if (!(err instanceof ServerUnreachable)) d.onError?.(err);
        });
      }
    },

    /** "Download now": the new content of a course, even on a metered connection. */
    async updateNow(courseId: string): Promise<CourseDownload> {
      if (followed(courseId)) await checkUpdates(courseId, true);
      return withDisk(downloads.progress(courseId));
    },

    /**
     * After a sync: plan again what failed or was requested offline; compare the others with the server now and then
     * (the periodic check; a pulled course change checks at once).
     */
    async resumeAll(): Promise<void> {
      if (!d.online()) return;
      const at = Date.now();
      for (const r of db.select().from(offlineCourses).all()) {
        const state = downloads.progress(r.courseId).state;
        if (state === 'paused' || state === 'downloading') continue;
        const last = planned.get(r.courseId);
        if (r.state === 'failed') {
          if (state === 'empty' || last === undefined || at - last > REPLAN_FAILED_MS) await plan(r.courseId);
        } else if (!followed(r.courseId)) {
          if (last === undefined) await plan(r.courseId);
        } else if (at - (checked.get(r.courseId) ?? 0) > checkEvery) {
          await checkUpdates(r.courseId).catch((err: unknown) => {
            if (!(err instanceof ServerUnreachable)) d.onError?.(err);
          });
        }
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

    /** "Check stored files": every stored file against its sha256, and (online) the copy against the server's manifests. */
    async verify(courseId: string): Promise<VerifyResult> {
      const requeued = await downloads.verify(courseId);
      let serverChecked = false;
      let found: LessonUpdate[] = [];
      if (d.online() && followed(courseId)) {
        try {
          found = await checkUpdates(courseId);
          serverChecked = true;
        } catch (err) {
          if (!(err instanceof ServerUnreachable)) throw err;
        }
      }
      reconcile(courseId);
      return { requeued, serverChecked, updates: found, download: withDisk(downloads.progress(courseId)) };
    },

    /** Where a lesson's files stand on this device. */
    lessonOffline: (courseId: string, lessonId: string): LessonOffline =>
      updates.lessonState(courseId, lessonId, rowOf(courseId) !== undefined),

    /** Look again at a kept course now (a lesson showed content this device does not have). */
    checkSoon(courseId: string): void {
      if (!d.online() || !followed(courseId)) return;
      void checkUpdates(courseId).catch((err: unknown) => {
        if (!(err instanceof ServerUnreachable)) d.onError?.(err);
      });
    },

    /** "New content in <course>: <lesson> — downloaded for offline use", for the courses kept offline. */
    notices(): OfflineNotice[] {
      return updates
        .done()
        .filter((u) => rowOf(u.courseId))
        .map((u) => {
          const detail = readCourseDetail(db, u.courseId);
          const view = updates.list(u.courseId).find((l) => l.lessonId === u.lessonId);
          return {
            courseId: u.courseId,
            courseTitle: detail?.title ?? 'A course',
            lessonId: u.lessonId,
            lessonTitle: (detail && findLesson(detail, u.lessonId)?.lesson.title) ?? 'A lesson',
            kinds: view?.kinds ?? [],
            bytes: u.bytes,
            doneAt: u.doneAt ?? u.detectedAt,
          };
        })
        .sort((a, b) => b.doneAt.localeCompare(a.doneAt));
    },

    /** The student read the notices of a course. */
    dismissNotices(courseId: string): OfflineNotice[] {
      updates.dismiss(courseId);
      return this.notices();
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
