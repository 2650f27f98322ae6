import fs from 'node:fs';
import path from 'node:path';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { LessonManifest } from '@lyceum/contracts';
import { ServerError } from '../server/errors.ts';
import type { LocalDb } from '../store/open.ts';
import { planLesson, type DownloadQuality } from './select.ts';
import { applyPlan, dirSize } from './queue.ts';
import { downloadItems, type DownloadItem } from './tables.ts';
import { sha256File, transferFile, type TransferFailure } from './transfer.ts';
import { courseProgress, type CourseProgress } from './progress.ts';
import { removeLessonIndex, removeLessonIndexes, writeLessonIndex } from './lesson-index.ts';

export interface DownloadManagerOptions {
  db: LocalDb;
  /** Offline copies go to `<contentDir>/<courseId>/<lessonId>/<assetId>/<path>`. */
  contentDir: string;
  /** What relative URLs in manifests are resolved against. */
  serverUrl: string;
  /** GET /api/v1/courses/:courseId/lessons/:lessonId/content with the signed-in user's token. */
  fetchManifest: (courseId: string, lessonId: string) => Promise<LessonManifest>;
  /** The lessons of a course (from the stored course structure, or the server). */
  lessonIds: (courseId: string) => Promise<string[]>;
  /** The user's downloadQuality preference. */
  quality: () => DownloadQuality;
  fetch?: typeof fetch;
  /** Files fetched at the same time (default 3). */
  concurrency?: number;
  /** Tries per file before it is marked failed (default 5). */
  maxAttempts?: number;
  /** First retry delay; doubles each time (default 1000 ms, at most 60 s). */
  backoffMs?: number;
  /** A transfer that receives nothing for this long is cut and retried (default 30 s). */
  idleMs?: number;
  /** Called when something changed (progress, a file done or failed). */
  onChange?: (courseId: string) => void;
  onError?: (err: unknown) => void;
}

const now = () => new Date().toISOString();

/**
 * The download manager of offline course content: a persistent queue of files (download_items) worked by a few
 * workers, with resumable transfers (.part + HTTP Range), sha256 verification, retries with exponential backoff,
 * fresh manifests when signed URLs expire, pause/resume per course and removal of an offline copy.
 */
export function downloadManager(o: DownloadManagerOptions) {
  const { db } = o;
  const doFetch = o.fetch ?? fetch;
  const concurrency = o.concurrency ?? 3;
  const maxAttempts = o.maxAttempts ?? 5;
  const backoffMs = o.backoffMs ?? 1000;
  const active = new Map<
    number,
    { courseId: string; lessonId: string; ctl: AbortController; done: Promise<void> }
  >();
  const refreshing = new Map<string, Promise<void>>();
  const progressWrites = new Map<number, number>();
  let closed = false;
  let pumping = false;

  const fileOf = (courseId: string, relPath: string) =>
    path.join(o.contentDir, courseId, ...relPath.split('/'));
  const changed = (courseId: string) => {
    try {
      o.onChange?.(courseId);
    } catch (err) {
      o.onError?.(err);
    }
  };
  const update = (id: number, set: Partial<DownloadItem>) =>
    db
      .update(downloadItems)
      .set({ ...set, updatedAt: now() })
      .where(eq(downloadItems.id, id))
      .run();

  // Whatever was being fetched when the core stopped (or was killed) continues from its .part.
  db.update(downloadItems)
    .set({ status: 'queued', updatedAt: now() })
    .where(eq(downloadItems.status, 'downloading'))
    .run();

  async function refreshLesson(courseId: string, lessonId: string): Promise<void> {
    const key = `${courseId}/${lessonId}`;
    let p = refreshing.get(key);
    if (!p) {
      p = (async () => {
        applyManifest(courseId, await o.fetchManifest(courseId, lessonId));
      })().finally(() => refreshing.delete(key));
      refreshing.set(key, p);
    }
    return p;
  }

  /** Bring a lesson's queue in line with its manifest (new and changed files queued unless paused, removed ones deleted). */
  function applyManifest(courseId: string, m: LessonManifest): void {
    applyPlan(db, fileOf, courseId, m.lessonId, planLesson(m, o.quality()), m.expiresAt, !isPaused(courseId));
    writeLessonIndex(o.contentDir, courseId, m);
  }

  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });

  /** Work one item until it is done, failed, paused or the manager stops. */
  async function work(id: number, ctl: AbortController): Promise<void> {
    let expiredRefreshes = 0;
    for (;;) {
      const item = db.select().from(downloadItems).where(eq(downloadItems.id, id)).get();
      if (!item || item.status !== 'downloading' || ctl.signal.aborted) return;
      const file = fileOf(item.courseId, item.relPath);
      let lastWrite = 0;
      const failure: TransferFailure | null = await transferFile({
        url: new URL(item.url, o.serverUrl).toString(),
        file,
        size: item.size,
        sha256: item.sha256,
        fetch: doFetch,
        signal: ctl.signal,
        idleMs: o.idleMs,
        onBytes: (done) => {
          progressWrites.set(id, done);
          if (done - lastWrite >= 256 * 1024 || done === item.size) {
            lastWrite = done;
            update(id, { bytesDone: done });
            changed(item.courseId);
          }
        },
      });
      if (!failure) {
        update(id, { status: 'done', bytesDone: item.size, error: null });
        progressWrites.delete(id);
        changed(item.courseId);
        return;
      }
      if (failure.kind === 'aborted') {
        // Paused or closing: keep the .part and what the row says; 'downloading' rows are requeued on start.
        const done = progressWrites.get(id);
        if (done !== undefined) update(id, { bytesDone: done });
        return;
      }
      if (failure.kind === 'expired' && expiredRefreshes < 2) {
        expiredRefreshes += 1;
        try {
          await refreshLesson(item.courseId, item.lessonId);
          // A file that changed on the server was requeued by the refresh: the queue picks it up again.
          continue;
        } catch (err) {
          o.onError?.(err);
        }
      }
      const attempts = item.attempts + 1;
      const reason =
        failure.kind === 'http'
          ? `${failure.code}: ${failure.message}`
          : failure.kind === 'expired'
            ? 'the download link expired and no fresh one could be had'
            : failure.message;
      const permanent = failure.kind === 'http' && failure.status !== 408 && failure.status !== 429;
      if (permanent || attempts >= maxAttempts) {
        update(id, { status: 'failed', attempts, error: reason });
        changed(item.courseId);
        return;
      }
      update(id, { attempts, error: reason });
      changed(item.courseId);
      if (failure.kind !== 'checksum')
        await sleep(Math.min(60_000, backoffMs * 2 ** (attempts - 1)), ctl.signal);
    }
  }

  /** Start workers on queued items while there are free slots. */
  function pump(): void {
    if (closed || pumping) return;
    pumping = true;
    try {
      while (active.size < concurrency) {
        const next = db
          .select()
          .from(downloadItems)
          .where(eq(downloadItems.status, 'queued'))
          .orderBy(asc(downloadItems.id))
          .limit(1)
          .get();
        if (!next) break;
        update(next.id, { status: 'downloading' });
        const ctl = new AbortController();
        const done = work(next.id, ctl)
          .catch((err: unknown) => {
            o.onError?.(err);
            update(next.id, { status: 'failed', error: err instanceof Error ? err.message : String(err) });
          })
          .finally(() => {
            active.delete(next.id);
            pump();
          });
        active.set(next.id, { courseId: next.courseId, lessonId: next.lessonId, ctl, done });
      }
    } finally {
      pumping = false;
    }
  }

  async function stopCourse(courseId: string): Promise<void> {
    const mine = [...active.values()].filter((a) => a.courseId === courseId);
    for (const a of mine) a.ctl.abort();
    await Promise.all(mine.map((a) => a.done));
  }

  return {
    /**
     * Make a course available offline: fetch every lesson's manifest, queue the files of the chosen quality (kept
     * files stay; changed ones start over) and start downloading. Lessons gone from the server (404) are skipped;
     * any other failure (offline, not enrolled) is thrown.
     */
    async makeAvailable(courseId: string): Promise<CourseProgress> {
      const lessons = await o.lessonIds(courseId);
      for (const lessonId of lessons) {
        let m: LessonManifest;
        try {
          m = await o.fetchManifest(courseId, lessonId);
        } catch (err) {
          // A lesson removed on the server since the structure was stored has nothing to download.
          if (err instanceof ServerError && err.code === 'not_found' && err.status === 404) continue;
          throw err;
        }
        applyManifest(courseId, m);
      }
      pump();
      changed(courseId);
      return courseProgress(db, courseId);
    },

    /** Pause a course: its transfers stop (the .part files stay) until resume. */
    async pause(courseId: string): Promise<void> {
      db.update(downloadItems)
        .set({ status: 'paused', updatedAt: now() })
        .where(
          and(eq(downloadItems.courseId, courseId), inArray(downloadItems.status, ['queued', 'downloading'])),
        )
        .run();
      await stopCourse(courseId);
      changed(courseId);
    },

    /** Resume a paused course; failed files get a fresh set of tries. */
    resume(courseId: string): void {
      db.update(downloadItems)
        .set({ status: 'queued', updatedAt: now() })
        .where(and(eq(downloadItems.courseId, courseId), eq(downloadItems.status, 'paused')))
        .run();
      db.update(downloadItems)
        .set({ status: 'queued', attempts: 0, error: null, updatedAt: now() })
        .where(and(eq(downloadItems.courseId, courseId), eq(downloadItems.status, 'failed')))
        .run();
      pump();
      changed(courseId);
    },

    /**
     * Check every downloaded file of a course against its sha256; a missing or altered one is deleted and fetched
     * again (counted as an attempt). Returns the relative paths that were requeued.
     */
    async verify(courseId: string): Promise<string[]> {
      const rows = db
        .select()
        .from(downloadItems)
        .where(and(eq(downloadItems.courseId, courseId), eq(downloadItems.status, 'done')))
        .all();
      const bad: string[] = [];
      for (const r of rows) {
        const file = fileOf(courseId, r.relPath);
        const ok = fs.existsSync(file) && (await sha256File(file)) === r.sha256;
        if (ok) continue;
        fs.rmSync(file, { force: true });
        update(r.id, {
          status: 'queued',
          bytesDone: 0,
          attempts: r.attempts + 1,
          error: 'the stored copy was missing or damaged',
        });
        bad.push(r.relPath);
      }
      if (bad.length) {
        pump();
        changed(courseId);
      }
      return bad;
    },

    /** "Remove offline copy": stop its transfers, delete its files and rows. */
    async remove(courseId: string): Promise<void> {
      db.delete(downloadItems).where(eq(downloadItems.courseId, courseId)).run();
      await stopCourse(courseId);
      fs.rmSync(path.join(o.contentDir, courseId), { recursive: true, force: true });
      removeLessonIndexes(o.contentDir, courseId);
      changed(courseId);
    },

    /** Apply a lesson's manifest (an update of the offline copy) and start on what it queued. */
    applyLesson(courseId: string, m: LessonManifest): void {
      applyManifest(courseId, m);
      pump();
      changed(courseId);
    },

    /** A lesson gone from the course (or from the server): its files, rows and index go. */
    removeLesson(courseId: string, lessonId: string): void {
      const rows = db
        .select()
        .from(downloadItems)
        .where(and(eq(downloadItems.courseId, courseId), eq(downloadItems.lessonId, lessonId)))
        .all();
      for (const a of active.values()) if (a.courseId === courseId && a.lessonId === lessonId) a.ctl.abort();
      db.delete(downloadItems)
        .where(and(eq(downloadItems.courseId, courseId), eq(downloadItems.lessonId, lessonId)))
        .run();
      fs.rmSync(path.join(o.contentDir, courseId, lessonId), { recursive: true, force: true });
      removeLessonIndex(o.contentDir, courseId, lessonId);
      if (rows.length) changed(courseId);
      pump();
    },

    /** The stored rows of a lesson (what its offline copy holds or is fetching). */
    lessonRows: (courseId: string, lessonId: string): DownloadItem[] =>
      db
        .select()
        .from(downloadItems)
        .where(and(eq(downloadItems.courseId, courseId), eq(downloadItems.lessonId, lessonId)))
        .all(),

    /** The lessons that have rows in a course's offline copy. */
    storedLessons: (courseId: string): string[] =>
      db
        .selectDistinct({ id: downloadItems.lessonId })
        .from(downloadItems)
        .where(eq(downloadItems.courseId, courseId))
        .all()
        .map((r) => r.id),

    isPaused,

    /** Bytes and files done per lesson and for the course. */
    progress: (courseId: string) => courseProgress(db, courseId, progressWrites),

    /** Every course with an offline copy, with its progress. */
    courses(): CourseProgress[] {
      const ids = db.selectDistinct({ id: downloadItems.courseId }).from(downloadItems).all();
      return ids.map((r) => courseProgress(db, r.id, progressWrites));
    },

    /** Bytes the course takes on disk (finished files and .part files). */
    diskUsage(courseId: string): number {
      return dirSize(path.join(o.contentDir, courseId));
    },

    /** Where the files of a course are stored. */
    courseDir: (courseId: string) => path.join(o.contentDir, courseId),

    /** Start (or continue) work on whatever is queued. */
    start: () => pump(),

    /** Resolves when nothing is being fetched (tests, shutdown). */
    async idle(): Promise<void> {
      while (active.size) await Promise.all([...active.values()].map((a) => a.done));
    },

    /** Stop every transfer (their rows stay 'downloading' and continue on the next start). */
    async close(): Promise<void> {
      closed = true;
      const all = [...active.values()];
      for (const a of all) a.ctl.abort();
      await Promise.all(all.map((a) => a.done));
    },
  };

  function isPaused(courseId: string): boolean {
    const r = db
      .select({ n: sql<number>`count(*)` })
      .from(downloadItems)
      .where(and(eq(downloadItems.courseId, courseId), eq(downloadItems.status, 'paused')))
      .get();
    return (r?.n ?? 0) > 0;
  }
}
export type DownloadManager = ReturnType<typeof downloadManager>;
