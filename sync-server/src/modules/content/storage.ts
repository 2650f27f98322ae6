import type { Readable } from 'node:stream';

/** Metadata of a stored object. */
export interface StoredObject {
  key: string;
  size: number;
  /** Strong validator for HTTP caching (e.g. sha256 or the store's ETag). */
  etag: string;
  contentType: string;
  /** Lowercase hex sha256 of the bytes, when the adapter knows it (both adapters here do). */
  sha256?: string;
}

/**
 * Port: where content bytes live. Keys are relative, '/'-separated paths such as `assets/<id>/hls/720p/seg-0001.m4s`;
 * a key with '..', a leading '/', a backslash or a NUL is refused by every adapter.
 * Adapters: the filesystem under the data folder (default) and S3-compatible object storage (S3_ENDPOINT).
 */
export interface ContentStorage {
  put(key: string, body: Readable | Buffer, contentType: string): Promise<StoredObject>;
  /** Null when absent. */
  head(key: string): Promise<StoredObject | null>;
  /** A byte range [start, end] inclusive, or the whole object. */
  get(key: string, range?: { start: number; end: number }): Promise<Readable>;
  delete(key: string): Promise<void>;
  /** Keys under a prefix, for manifests and cleanup. */
  list(prefix: string): Promise<string[]>;
  /** A local file path when the adapter has one (ffmpeg reads sources from disk); null otherwise. */
  localPath?(key: string): string | null;
}

/** True when a key cannot escape the store: relative, '/'-separated, no empty, '.' or '..' segment, no backslash or NUL. */
export function isSafeKey(key: string): boolean {
  return !(
    !key ||
    key.length > 1024 ||
    key.startsWith('/') ||
    key.includes('\\') ||
    key.includes('\0') ||
    key.split('/').some((p) => p === '..' || p === '.' || p === '')
  );
}

/** Refuse keys that could escape the store. */
export function assertSafeKey(key: string): void {
  if (!isSafeKey(key)) throw new Error(`unsafe storage key: ${JSON.stringify(key)}`);
}

const typesByExtension: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  m4s: 'video/iso.segment',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  m4a: 'audio/mp4',
  ts: 'video/mp2t',
  webm: 'video/webm',
  mov: 'video/quicktime',
  mkv: 'video/x-matroska',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  vtt: 'text/vtt',
  pdf: 'application/pdf',
  json: 'application/json',
  zip: 'application/zip',
  mp3: 'audio/mpeg',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  epub: 'application/epub+zip',
};

/** The content type of a key from its extension (the filesystem adapter keeps no metadata). */
export function contentTypeOf(key: string): string {
  const dot = key.lastIndexOf('.');
  const ext = dot > key.lastIndexOf('/') ? key.slice(dot + 1).toLowerCase() : '';
  return typesByExtension[ext] ?? 'application/octet-stream';
}

/** The extension used for a detected mime type (so the filesystem adapter answers the right type later). */
export function extensionOf(mime: string): string {
  for (const [ext, type] of Object.entries(typesByExtension))
    if (type === mime && ext !== 'm4v' && ext !== 'jpeg') return ext;
  return 'bin';
}

/** Thrown by `get` when the key holds no object. */
export class ObjectNotFoundError extends Error {
  readonly code = 'object_not_found';
  constructor(key: string) {
    super(`no stored object at ${JSON.stringify(key)}`);
  }
}
