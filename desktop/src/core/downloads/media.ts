import { and, eq } from 'drizzle-orm';
import type { LessonManifest } from '@lyceum/contracts';
import type { LessonMedia, MediaAsset } from '../../contracts/content.ts';
import type { LocalDb } from '../store/open.ts';
import { readLessonIndex, type LessonIndex } from './lesson-index.ts';
import { contentTypeOf } from './serve.ts';
import { downloadItems } from './tables.ts';

export interface MediaSourceDeps {
  db: LocalDb;
  contentDir: string;
  serverUrl: string;
  fetchManifest: (courseId: string, lessonId: string) => Promise<LessonManifest>;
  now?: () => number;
}

/** Manifests are used until this long before their signed URLs expire. */
const EXPIRY_MARGIN_MS = 30_000;
const MAX_CACHED = 200;

const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

/** The local API's URL of a file of a lesson's asset: what the player and the slide viewer open. */
export const mediaUrl = (courseId: string, lessonId: string, assetId: string, file: string) =>
  `/api/media/${encodeURIComponent(courseId)}/${encodeURIComponent(lessonId)}/${encodeURIComponent(assetId)}/${encodePath(file)}`;

/** The poster beside a packaged video's master playlist (`hls/master.m3u8` → `hls/poster.jpg`). */
const posterOf = (entry: string, has: (p: string) => boolean): string | null => {
  if (!entry.endsWith('.m3u8')) return null;
  const p = `${entry.slice(0, entry.lastIndexOf('/') + 1)}poster.jpg`;
  return has(p) ? p : null;
};

/**
 * Where the media of a lesson comes from: the lesson's manifest (cached until its signed URLs are about to expire)
 * for streaming what is not on this device, and the list of a lesson's assets for the lesson screen — from the
 * server when it answers, else from what this device stored.
 */
export function mediaSource(d: MediaSourceDeps) {
  const now = d.now ?? Date.now;
  const cache = new Map<string, { manifest: LessonManifest; until: number }>();
  const inflight = new Map<string, Promise<LessonManifest>>();

  async function manifest(courseId: string, lessonId: string, fresh = false): Promise<LessonManifest> {
    const key = `${courseId}/${lessonId}`;
    const hit = cache.get(key);
    if (!fresh && hit && hit.until > now()) return hit.manifest;
    let p = inflight.get(key);
    if (!p) {
      p = d
        .fetchManifest(courseId, lessonId)
        .then((m) => {
          cache.delete(key);
          if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
          cache.set(key, { manifest: m, until: Date.parse(m.expiresAt) - EXPIRY_MARGIN_MS });
          return m;
        })
        .finally(() => inflight.delete(key));
      inflight.set(key, p);
    }
    return p;
  }

  /** Stored files of a lesson, by asset: relative path → done. */
  function storedFiles(courseId: string, lessonId: string): Map<string, Map<string, boolean>> {
    const rows = d.db
      .select({
        assetId: downloadItems.assetId,
        relPath: downloadItems.relPath,
        status: downloadItems.status,
      })
      .from(downloadItems)
      .where(and(eq(downloadItems.courseId, courseId), eq(downloadItems.lessonId, lessonId)))
      .all();
    const out = new Map<string, Map<string, boolean>>();
    for (const r of rows) {
      const prefix = `${lessonId}/${r.assetId}/`;
      const files = out.get(r.assetId) ?? new Map<string, boolean>();
      out.set(r.assetId, files);
      files.set(r.relPath.slice(prefix.length), r.status === 'done');
    }
    return out;
  }

  function describe(
    courseId: string,
    lessonId: string,
    a: LessonIndex['assets'][number],
    entry: string,
    has: (p: string) => boolean,
    stored: Map<string, boolean> | undefined,
  ): MediaAsset {
    const poster = posterOf(entry, has);
    return {
      assetId: a.id,
      kind: a.kind,
      name: a.originalName,
      url: mediaUrl(courseId, lessonId, a.id, entry),
      posterUrl: poster ? mediaUrl(courseId, lessonId, a.id, poster) : null,
      contentType: contentTypeOf(entry),
      stored: stored !== undefined && stored.size > 0 && [...stored.values()].every(Boolean),
    };
  }

  return {
    manifest,

    /** Forget a lesson's manifest (its signed URLs were refused as expired). */
    invalidate(courseId: string, lessonId: string): void {
      cache.delete(`${courseId}/${lessonId}`);
    },

    /** The server URL of `<lessonId>/<assetId>/<path>` (a decoded, safe path), or null when the lesson has no such file. */
    async remoteUrl(courseId: string, rel: string): Promise<string | null> {
      const [lessonId, assetId, ...rest] = rel.split('/');
      if (!lessonId || !assetId || rest.length === 0) return null;
      const m = await manifest(courseId, lessonId);
      const file = m.assets.find((a) => a.id === assetId)?.files.find((f) => f.path === rest.join('/'));
      return file ? new URL(file.url, d.serverUrl).toString() : null;
    },

    /** The lesson's videos, slides and attachments with local URLs; `fromServer` failing falls back to this device. */
    async lessonMedia(
      courseId: string,
      lessonId: string,
      tryServer: boolean,
    ): Promise<Omit<LessonMedia, 'offline'>> {
      const stored = storedFiles(courseId, lessonId);
      if (tryServer) {
        try {
          // Fresh each time the lesson opens (a new upload shows at once); the player's requests then use it.
          const m = await manifest(courseId, lessonId, true);
          const assets = m.assets
            .filter((a) => a.status === 'ready' && a.entry)
            .map((a) => {
              const paths = new Set(a.files.map((f) => f.path));
              return describe(courseId, lessonId, a, a.entry!, (p) => paths.has(p), stored.get(a.id));
            });
          const preparing = m.assets.filter((a) => a.status === 'uploading' || a.status === 'processing');
          return { courseId, lessonId, source: 'server', assets, preparing: preparing.length };
        } catch {
          // Offline, or the server refused: show what this device has.
        }
      }
      const index = readLessonIndex(d.contentDir, courseId, lessonId);
      const assets: MediaAsset[] = [];
      for (const a of index?.assets ?? []) {
        const files = stored.get(a.id);
        if (!a.entry || !files?.has(a.entry)) continue;
        assets.push(describe(courseId, lessonId, a, a.entry, (p) => files.get(p) === true, files));
      }
      return { courseId, lessonId, source: 'device', assets, preparing: 0 };
    },
  };
}
export type MediaSource = ReturnType<typeof mediaSource>;
