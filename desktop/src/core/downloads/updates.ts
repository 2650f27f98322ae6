import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { AssetKind, type LessonManifest } from '@lyceum/contracts';
import type { LessonOffline, LessonUpdate } from '../../contracts/content.ts';
import { ServerError } from '../server/errors.ts';
import type { LocalDb } from '../store/open.ts';
import type { DownloadManager } from './manager.ts';
import type { NetworkPolicy } from './network.ts';
import { diffPlan } from './queue.ts';
import { planLesson, type DownloadQuality } from './select.ts';
import { offlineUpdates, type OfflineUpdateRow } from './tables.ts';

export interface OfflineUpdatesDeps {
  db: LocalDb;
  manager: DownloadManager;
  fetchManifest: (courseId: string, lessonId: string) => Promise<LessonManifest>;
  /** The lessons of the course as stored on this device (its structure follows the sync). */
  lessonIds: (courseId: string) => Promise<string[]>;
  quality: () => DownloadQuality;
  policy: NetworkPolicy;
}

const Kinds = z.array(AssetKind);
const now = () => new Date().toISOString();
const notFound = (err: unknown) => err instanceof ServerError && err.status === 404;

const toView = (r: OfflineUpdateRow): LessonUpdate => {
  const kinds = Kinds.safeParse(JSON.parse(r.kinds));
  return {
    lessonId: r.lessonId,
    state: r.state,
    files: r.files,
    bytes: r.bytes,
    kinds: kinds.success ? kinds.data : [],
    detectedAt: r.detectedAt,
    doneAt: r.doneAt,
  };
};

/**
 * An offline copy follows its course's published content: each lesson's manifest is compared with the files stored
 * (sha256 and size); missing and changed files are fetched in the background, removed ones deleted, lessons gone
 * from the course dropped. New content is recorded per lesson — waiting while downloads are held (only on Wi-Fi, on a
 * metered connection), downloading, then done until the student dismisses the notice.
 */
export function offlineUpdatesService(d: OfflineUpdatesDeps) {
  const { db, manager } = d;
  const running = new Map<string, Promise<LessonUpdate[]>>();
  /** The one follow-up run shared by every call made during a check, and whether one of them forced it. */
  const followUp = new Map<string, Promise<LessonUpdate[]>>();
  const forceNext = new Set<string>();

  const rowsOf = (courseId: string) =>
    db.select().from(offlineUpdates).where(eq(offlineUpdates.courseId, courseId)).all();
  const drop = (courseId: string, lessonId: string) =>
    db
      .delete(offlineUpdates)
      .where(and(eq(offlineUpdates.courseId, courseId), eq(offlineUpdates.lessonId, lessonId)))
      .run();
  function put(
    courseId: string,
    lessonId: string,
    v: Pick<OfflineUpdateRow, 'state' | 'files' | 'bytes' | 'kinds'>,
  ) {
    const values = { ...v, detectedAt: now(), doneAt: null };
    db.insert(offlineUpdates)
      .values({ courseId, lessonId, ...values })
      .onConflictDoUpdate({ target: [offlineUpdates.courseId, offlineUpdates.lessonId], set: values })
      .run();
  }

  /** Updates whose files are all stored now become "done" (the notice the student sees). */
  function settle(courseId: string): void {
    for (const u of rowsOf(courseId)) {
      if (u.state !== 'downloading') continue;
      const files = manager.lessonRows(courseId, u.lessonId);
      if (files.length && files.every((f) => f.status === 'done'))
        db.update(offlineUpdates)
          .set({ state: 'done', doneAt: now() })
          .where(and(eq(offlineUpdates.courseId, courseId), eq(offlineUpdates.lessonId, u.lessonId)))
          .run();
    }
  }

  /** One lesson: compare, then apply (or, held, record what waits). True when it has new content. */
  function compareLesson(courseId: string, m: LessonManifest, force: boolean): boolean {
    const lessonId = m.lessonId;
    const stored = manager.lessonRows(courseId, lessonId);
    const diff = diffPlan(stored, planLesson(m, d.quality()));
    const fetch = [...diff.added, ...diff.changed];
    // New content: an asset the copy did not have, or a file the server changed (not a switch of video quality).
    const content = diff.newAssets.length > 0 || diff.changed.length > 0;
    const pending = rowsOf(courseId).find((u) => u.lessonId === lessonId);
    if (fetch.length === 0) {
      // Up to date, or only deletions (no data needed): apply at once.
      manager.applyLesson(courseId, m);
      if (pending?.state === 'waiting') drop(courseId, lessonId);
      return false;
    }
    const touched = new Set([...diff.newAssets, ...diff.changed.map((f) => f.assetId)]);
    const kinds = [...new Set(m.assets.filter((a) => touched.has(a.id)).map((a) => a.kind))];
    const summary = {
      files: fetch.length,
      bytes: fetch.reduce((n, f) => n + f.size, 0),
      kinds: JSON.stringify(kinds),
    };
    if (!force && d.policy.held()) {
      // Nothing changes on disk until the connection allows: the stored copy keeps working meanwhile.
      if (content) put(courseId, lessonId, { state: 'waiting', ...summary });
      return content;
    }
    manager.applyLesson(courseId, m);
    if (content) put(courseId, lessonId, { state: 'downloading', ...summary });
    else if (pending?.state === 'waiting') put(courseId, lessonId, { ...pending, state: 'downloading' });
    return content || pending?.state === 'waiting';
  }

  async function checkOnce(courseId: string, force: boolean): Promise<LessonUpdate[]> {
    const lessons = await d.lessonIds(courseId);
    const known = new Set(lessons);
    // Lessons gone from the course: their files go.
    for (const lessonId of manager.storedLessons(courseId))
      if (!known.has(lessonId)) manager.removeLesson(courseId, lessonId);
    for (const u of rowsOf(courseId)) if (!known.has(u.lessonId)) drop(courseId, u.lessonId);
    const found = new Set<string>();
    for (const lessonId of lessons) {
      let m: LessonManifest;
      try {
        m = await d.fetchManifest(courseId, lessonId);
      } catch (err) {
        if (!notFound(err)) throw err;
        manager.removeLesson(courseId, lessonId);
        drop(courseId, lessonId);
        continue;
      }
      if (compareLesson(courseId, m, force)) found.add(lessonId);
    }
    settle(courseId);
    return list(courseId).filter((u) => found.has(u.lessonId));
  }

  const list = (courseId: string): LessonUpdate[] => rowsOf(courseId).map(toView);

  function check(courseId: string, force: boolean): Promise<LessonUpdate[]> {
    const current = running.get(courseId);
    if (!current) {
      const p = checkOnce(courseId, force).finally(() => running.delete(courseId));
      running.set(courseId, p);
      return p;
    }
    if (force) forceNext.add(courseId);
    let next = followUp.get(courseId);
    if (!next) {
      next = current
        .catch(() => undefined)
        .then(() => {
          followUp.delete(courseId);
          const f = forceNext.delete(courseId);
          return check(courseId, f);
        });
      followUp.set(courseId, next);
    }
    return next;
  }

  return {
    /**
     * Compare every lesson of a course's offline copy with the server and bring it up to date (single flight per
     * course; a call during a check runs one more after it). `force` downloads even when updates are held.
     * Answers the lessons this check found new content in (waiting, downloading, or already stored). Throws when the
     * server cannot be reached.
     */
    check(courseId: string, opts: { force?: boolean } = {}): Promise<LessonUpdate[]> {
      return check(courseId, opts.force ?? false);
    },

    settle,
    list,

    /** Courses with new content waiting (to check again when downloads are no longer held). */
    waitingCourses: (): string[] =>
      db
        .selectDistinct({ id: offlineUpdates.courseId })
        .from(offlineUpdates)
        .where(eq(offlineUpdates.state, 'waiting'))
        .all()
        .map((r) => r.id),

    /** Updates stored and not acknowledged yet, every course. */
    done: (): OfflineUpdateRow[] =>
      db.select().from(offlineUpdates).where(eq(offlineUpdates.state, 'done')).all(),

    /** The student read the notice(s) of a course (or of one lesson). */
    dismiss(courseId: string, lessonId?: string): void {
      db.delete(offlineUpdates)
        .where(
          and(
            eq(offlineUpdates.courseId, courseId),
            eq(offlineUpdates.state, 'done'),
            ...(lessonId ? [eq(offlineUpdates.lessonId, lessonId)] : []),
          ),
        )
        .run();
    },

    /** The offline copy was removed. */
    forget(courseId: string): void {
      db.delete(offlineUpdates).where(eq(offlineUpdates.courseId, courseId)).run();
    },

    /** Where a lesson's files stand (kept: whether the course is kept offline at all). */
    lessonState(courseId: string, lessonId: string, kept: boolean): LessonOffline {
      const files = manager.lessonRows(courseId, lessonId);
      const update = db
        .select()
        .from(offlineUpdates)
        .where(
          and(
            eq(offlineUpdates.courseId, courseId),
            eq(offlineUpdates.lessonId, lessonId),
            inArray(offlineUpdates.state, ['waiting']),
          ),
        )
        .get();
      const bytesTotal = files.reduce((n, f) => n + f.size, 0);
      const bytesDone = files.reduce((n, f) => n + (f.status === 'done' ? f.size : f.bytesDone), 0);
      const has = (s: string) => files.some((f) => f.status === s);
      const state: LessonOffline['state'] = !kept
        ? 'missing'
        : update
          ? 'waiting'
          : has('queued') || has('downloading')
            ? 'downloading'
            : has('paused')
              ? 'paused'
              : has('failed')
                ? 'failed'
                : 'stored';
      return { kept, state, bytesDone, bytesTotal };
    },
  };
}
export type OfflineUpdates = ReturnType<typeof offlineUpdatesService>;
