import fs from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { LocalDb } from '../store/open.ts';
import { isSafeRelPath } from './select.ts';
import { downloadItems } from './tables.ts';

export type LocalContent =
  | { kind: 'file'; file: string; size: number; sha256: string; contentType: string }
  | { kind: 'playlist'; body: string; contentType: string };

const TYPES: Record<string, string> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.m4s': 'video/iso.segment',
  '.mp4': 'video/mp4',
  '.ts': 'video/mp2t',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.pdf': 'application/pdf',
  '.vtt': 'text/vtt',
};
export const contentTypeOf = (p: string) =>
  TYPES[path.extname(p).toLowerCase()] ?? 'application/octet-stream';

/**
 * A master playlist as the player should see it offline: only the variants whose playlist was downloaded (the
 * other renditions were not fetched), so hls.js never asks for a missing file. When no variant is stored yet the
 * playlist stays whole (the local API streams the variants from the server).
 */
export function offlineMaster(text: string, exists: (uri: string) => boolean): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let kept = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('#EXT-X-STREAM-INF')) {
      const uri = lines[i + 1]?.trim() ?? '';
      i += 1;
      if (uri && exists(uri)) {
        out.push(line, uri);
        kept += 1;
      }
      continue;
    }
    out.push(line);
  }
  return kept ? out.join('\n') : text;
}

/** The decoded relative path of a media request (`<lessonId>/<assetId>/<path>`, percent-encoded), or null when unsafe. */
export function decodeContentPath(requestPath: string): string | null {
  try {
    const segments = requestPath
      .replace(/^\/+/, '')
      .split('/')
      .map((s) => decodeURIComponent(s));
    if (segments.some((s) => s.includes('/'))) return null;
    const rel = segments.join('/');
    return isSafeRelPath(rel) ? rel : null;
  } catch {
    return null;
  }
}

/**
 * The local file behind a request for a course's offline content, e.g. `<lessonId>/<assetId>/hls/master.m3u8`
 * (the path as the local API receives it, still percent-encoded). Only finished, known files are served: anything
 * else — traversal, encoded slashes, files not (yet) verified — answers null (404).
 */
export function resolveLocalContent(
  db: LocalDb,
  contentDir: string,
  courseId: string,
  requestPath: string,
): LocalContent | null {
  const rel = decodeContentPath(requestPath);
  if (rel === null || !isSafeRelPath(courseId) || courseId.includes('/')) return null;
  const done = (p: string) =>
    db
      .select({ size: downloadItems.size, sha256: downloadItems.sha256 })
      .from(downloadItems)
      .where(
        and(
          eq(downloadItems.courseId, courseId),
          eq(downloadItems.relPath, p),
          eq(downloadItems.status, 'done'),
        ),
      )
      .get();
  const row = done(rel);
  if (!row) return null;
  const root = path.resolve(contentDir, courseId);
  const file = path.resolve(root, ...rel.split('/'));
  if (!file.startsWith(root + path.sep) || !fs.existsSync(file)) return null;
  const contentType = contentTypeOf(rel);
  if (rel.endsWith('/master.m3u8')) {
    const dir = rel.slice(0, rel.lastIndexOf('/') + 1);
    const body = offlineMaster(fs.readFileSync(file, 'utf8'), (uri) => {
      if (/^[a-z]+:|^\//i.test(uri)) return false;
      const target = path.posix.normalize(dir + uri);
      return isSafeRelPath(target) && done(target) !== undefined;
    });
    return { kind: 'playlist', body, contentType };
  }
  return { kind: 'file', file, size: row.size, sha256: row.sha256, contentType };
}
