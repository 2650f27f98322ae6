import { createHash } from 'node:crypto';
import type { CourseDetail, LessonManifest, ManifestAsset } from '@lyceum/contracts';
import { ApiError } from '../../http/errors.ts';
import type { Caller } from '../../http/route.ts';
import { assetPrefix, type AssetService } from './assets.ts';
import { contentPath, querySuffix, type UrlSigner } from './signing.ts';
import type { ContentStorage } from './storage.ts';
import type { AssetRow } from './tables.ts';

export interface ManifestDeps {
  assets: AssetService;
  storage: ContentStorage;
  signer: UrlSigner;
  ttlSeconds: number;
  /** Prefix of signed URLs ('' for same origin, or a CDN's origin). */
  publicBase: string;
  /** The catalog's view of a course for this caller (404 when they may not see it). */
  getCourse: (caller: Caller | null, courseId: string) => Promise<CourseDetail>;
  now?: () => number;
}

/** The file a player or reader opens first: a packaged video's HLS master playlist, else the upload itself. */
function entryOf(keys: string[], row: AssetRow): string | null {
  const prefix = assetPrefix(row.id);
  const playlists = keys.filter((k) => k.startsWith(`${prefix}hls/`) && k.endsWith('.m3u8'));
  const master =
    playlists.find((k) => k.endsWith('/master.m3u8')) ??
    playlists.sort((a, b) => a.split('/').length - b.split('/').length || a.length - b.length)[0];
  return master ?? (row.storageKey && keys.includes(row.storageKey) ? row.storageKey : null);
}

/**
 * Lesson manifests: every file of a lesson's ready assets with size, sha256, content type and a signed URL, for
 * enrolled students, the course's instructors and admins, and for anyone who can see the course when the lesson is
 * a preview (the catalog's rule for lesson bodies).
 */
export function manifestService(d: ManifestDeps) {
  const now = d.now ?? Date.now;

  async function sha256Of(
    key: string,
  ): Promise<{ size: number; sha256: string; contentType: string } | null> {
    const head = await d.storage.head(key);
    if (!head) return null;
    if (head.sha256) return { size: head.size, sha256: head.sha256, contentType: head.contentType };
    const hash = createHash('sha256');
    for await (const c of await d.storage.get(key)) hash.update(c as Buffer);
    return { size: head.size, sha256: hash.digest('hex'), contentType: head.contentType };
  }

  async function describe(row: AssetRow, exp: number): Promise<ManifestAsset> {
    const base = {
      id: row.id,
      kind: row.kind,
      originalName: row.originalName,
      mimeType: row.mimeType,
      status: row.status,
    };
    if (row.status !== 'ready') return { ...base, entry: null, streamUrl: null, files: [] };
    const prefix = assetPrefix(row.id);
    const all = await d.storage.list(prefix);
    const entry = entryOf(all, row);
    // A packaged video is delivered as HLS; its upload stays on the server.
    const keys = entry && entry !== row.storageKey ? all.filter((k) => k !== row.storageKey) : all;
    const q = querySuffix(d.signer.sign(prefix, exp));
    const files = [];
    for (const key of keys) {
      const info = await sha256Of(key);
      if (!info) continue;
      files.push({ path: key.slice(prefix.length), ...info, url: `${d.publicBase}${contentPath(key)}?${q}` });
    }
    const token = d.signer.sign(prefix, exp);
    return {
      ...base,
      entry: entry ? entry.slice(prefix.length) : null,
      streamUrl: entry
        ? `${d.publicBase}/content/t/${token.exp}/${token.sig}${contentPath(entry).slice('/content'.length)}`
        : null,
      files,
    };
  }

  return {
    async lessonManifest(caller: Caller | null, courseId: string, lessonId: string): Promise<LessonManifest> {
      const course = await d.getCourse(caller, courseId);
      const lesson = course.modules.flatMap((m) => m.lessons).find((l) => l.id === lessonId);
      if (!lesson) throw new ApiError('not_found', 'Lesson not found');
      if (!course.viewer.contentUnlocked && !lesson.isPreview) {
        if (!caller) throw new ApiError('unauthenticated', 'Sign in to see this lesson');
        throw new ApiError('not_enrolled', 'Enroll in the course to see this lesson');
      }
      const exp = Math.floor(now() / 1000) + d.ttlSeconds;
      const rows = await d.assets.forLesson(courseId, lessonId);
      const assets = [];
      for (const r of rows) assets.push(await describe(r, exp));
      return { courseId, lessonId, expiresAt: new Date(exp * 1000).toISOString(), assets };
    },
  };
}
export type ManifestService = ReturnType<typeof manifestService>;
