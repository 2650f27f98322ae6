import fs from 'node:fs';
import path from 'node:path';
import type { ServerConnection } from '../server/connection.ts';
import type { SessionService } from '../services/session.ts';
import type { LocalDb } from '../store/open.ts';
import type { SettingsRepo } from '../store/settings.ts';
import { readCourseDetail, readPreferences } from '../sync/local-state.ts';
import type { SyncTransport } from '../sync/transport.ts';
import { downloadManager, type DownloadManagerOptions } from './manager.ts';
import { mediaSource } from './media.ts';
import { networkPolicy } from './network.ts';
import { dirSize } from './queue.ts';
import { resolveLocalContent } from './serve.ts';
import { offlineUpdatesService } from './updates.ts';

export type { DownloadManager } from './manager.ts';
export type { CourseProgress, LessonProgress } from './progress.ts';
export type { LocalContent } from './serve.ts';
export type { MediaSource } from './media.ts';
export type { OfflineUpdates } from './updates.ts';
export type { NetworkPolicy } from './network.ts';

export type DownloadTuning = Partial<
  Pick<DownloadManagerOptions, 'fetch' | 'concurrency' | 'maxAttempts' | 'backoffMs' | 'idleMs' | 'onChange'>
> & {
  /** How often offline copies are compared with the server besides after a pulled course change (default 10 min). */
  updateCheckMs?: number;
};

/** The download manager wired to the core: manifests with the signed-in user's token, lessons from the local store. */
export function createDownloads(d: {
  db: LocalDb;
  dataDir: string;
  client: ServerConnection;
  session: SessionService;
  transport: SyncTransport;
  /** Device settings (the "only on Wi-Fi" choice). */
  settings: SettingsRepo;
  tuning?: DownloadTuning;
  onError?: (err: unknown) => void;
}) {
  const contentDir = path.join(d.dataDir, 'content');
  const listeners = new Set<(courseId: string) => void>();
  const fetchManifest = (courseId: string, lessonId: string) =>
    d.session.withToken((token) =>
      d.client.call('lessonContent', { params: { courseId, lessonId } }, { token }),
    );
  const lessonIds = async (courseId: string) => {
    const course = readCourseDetail(d.db, courseId) ?? (await d.transport.courseDetail(courseId));
    return course.modules
      .flatMap((m) => m.lessons)
      .filter((l) => !l.locked)
      .map((l) => l.id);
  };
  const quality = () => readPreferences(d.db).downloadQuality;
  const manager = downloadManager({
    db: d.db,
    contentDir,
    serverUrl: d.client.baseUrl,
    fetchManifest,
    lessonIds,
    quality,
    onError: d.onError,
    ...d.tuning,
    onChange: (courseId) => {
      d.tuning?.onChange?.(courseId);
      for (const l of listeners) l(courseId);
    },
  });
  // When downloads are no longer held (an unmetered connection, or the choice turned off), what waits goes.
  const policy = networkPolicy(d.settings, () => {
    if (policy.held()) return;
    for (const courseId of updates.waitingCourses())
      updates.check(courseId).catch((err: unknown) => d.onError?.(err));
  });
  const updates = offlineUpdatesService({ db: d.db, manager, fetchManifest, lessonIds, quality, policy });
  return Object.assign(manager, {
    /** New and changed content of offline copies (compare with the server's manifests, notices). */
    updates,
    /** The "only on Wi-Fi" choice and the connection the renderer reported. */
    policy,
    updateCheckMs: d.tuning?.updateCheckMs,
    /** A lesson's manifest with fresh signed URLs (the signed-in user's token). */
    fetchManifest,
    /** What the streaming fallback fetches with (the tuned fetch in tests). */
    fetch: d.tuning?.fetch ?? fetch,
    /** Lesson media for the player: cached manifests (streaming) and the lesson's assets with local URLs. */
    media: mediaSource({ db: d.db, contentDir, serverUrl: d.client.baseUrl, fetchManifest }),
    /** Be told when a course's downloads changed (progress, a file done or failed, pause, removal). */
    subscribe(listener: (courseId: string) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Bytes every offline copy takes. */
    totalDiskUsage: () => dirSize(contentDir),
    /** Free bytes on the disk that holds the offline copies (null when the platform cannot say). */
    freeBytes(): number | null {
      try {
        fs.mkdirSync(contentDir, { recursive: true });
        const s = fs.statfsSync(contentDir);
        return s.bavail * s.bsize;
      } catch {
        return null;
      }
    },
    /** For the local API: the downloaded file behind `<lessonId>/<assetId>/<path>` of a course, or null (404). */
    resolve: (courseId: string, requestPath: string) =>
      resolveLocalContent(d.db, contentDir, courseId, requestPath),
  });
}
export type Downloads = ReturnType<typeof createDownloads>;
