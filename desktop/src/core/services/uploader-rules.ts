import { CoreError } from '../errors.ts';
import { ServerContractError, ServerError, ServerUnreachable } from '../server/errors.ts';
import type { TeachUpload } from '../../contracts/teaching.ts';
import { SignedOut } from './uploader-http.ts';
import type { UploadRecord } from './uploader-store.ts';

/** Refusals that another attempt with the same file would meet again. */
const PERMANENT = new Set([
  'unsupported_file_type',
  'file_too_large',
  'forbidden',
  'not_found',
  'validation_failed',
  'chunk_size_mismatch',
]);
const KiB = 1024;
const MiB = 1024 * KiB;

export function chunkSizeFor(size: number): number {
  const step = 64 * KiB;
  return Math.min(8 * MiB, Math.max(256 * KiB, Math.ceil(size / 50 / step) * step));
}

/** Why an error only means "later" (the loop waits and tries again), or null when the upload failed. */
export function transient(err: unknown): string | null {
  if (err instanceof ServerUnreachable)
    return 'The server cannot be reached. The upload goes on when it is back.';
  if (err instanceof SignedOut) return 'Sign in as the instructor who started this upload to continue it.';
  if (err instanceof ServerError && err.status === 401)
    return 'Your session ended. Sign in again to continue.';
  if (err instanceof ServerError && (err.status >= 500 || err.status === 429))
    return `The server could not take it right now (${err.code}). Trying again…`;
  return null;
}

export function failureOf(err: unknown): NonNullable<UploadRecord['error']> {
  if (err instanceof ServerError || err instanceof CoreError)
    return { code: err.code, message: err.message, permanent: PERMANENT.has(err.code) };
  if (err instanceof ServerContractError)
    return { code: 'bad_gateway', message: err.message, permanent: false };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: `The upload stopped: ${message}`, permanent: false };
}

export const isCode = (err: unknown, ...codes: string[]) =>
  err instanceof ServerError && codes.includes(err.code);

/** What the renderer sees of an upload. */
export function toView(rec: UploadRecord, waiting: string | null, hasSource: boolean): TeachUpload {
  const done = rec.phase === 'processing' || rec.phase === 'ready';
  const bytes = done ? rec.size : Math.min(rec.bytesUploaded, rec.size);
  // "Ready" is shown once the duration and poster are known; until then it is the end of processing.
  const phase = rec.phase === 'ready' && !rec.finalized ? 'processing' : rec.phase;
  return {
    id: rec.id,
    courseId: rec.courseId,
    lessonId: rec.lessonId,
    kind: rec.kind,
    name: rec.name,
    size: rec.size,
    phase,
    bytesUploaded: bytes,
    uploadPercent: Math.floor((100 * bytes) / rec.size),
    packagingPercent: rec.kind === 'video' ? (rec.packagingPercent ?? (done ? 0 : null)) : null,
    assetId: rec.assetId,
    waiting,
    error: rec.error ? { code: rec.error.code, message: rec.error.message } : null,
    canRetry: rec.phase === 'failed' && !rec.error?.permanent && hasSource,
    durationSeconds: rec.durationSeconds,
    posterUrl: rec.hasPoster && rec.assetId ? `/api/teach/assets/${rec.assetId}/poster` : null,
    createdAt: rec.createdAt,
    updatedAt: rec.updatedAt,
  };
}
