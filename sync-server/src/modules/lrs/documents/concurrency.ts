import { createHash } from 'node:crypto';
import { ApiError } from '../../../http/errors.ts';

/** xAPI-Communication 3.1: the ETag of a document is the lowercase hex SHA-1 of its contents. */
export const etagOf = (content: Buffer | string): string => createHash('sha1').update(content).digest('hex');

/** An ETag as sent in a header: enclosed in quotes (RFC 2616). */
export const quoted = (etag: string) => `"${etag}"`;

/** The entity tags of an If-Match / If-None-Match header ("*" kept as is; weak tags and quotes stripped). */
export function parseEtags(header: string | undefined): string[] | undefined {
  if (header === undefined) return undefined;
  return header
    .split(',')
    .map((t) =>
      t
        .trim()
        .replace(/^W\//, '')
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase(),
    )
    .filter((t) => t.length > 0);
}

export interface Preconditions {
  ifMatch?: string[] | undefined;
  ifNoneMatch?: string[] | undefined;
}

/**
 * The concurrency rules of xAPI-Communication 3.1 for a write (PUT, POST, DELETE) on a document whose current
 * ETag is `current` (undefined when there is no such document):
 * - If-Match that matches nothing (or no document) → 412, nothing changed;
 * - If-None-Match "*" (or the current ETag) while the document exists → 412, nothing changed;
 * - a PUT to an Activity or Agent Profile without either header on an existing document → 409, nothing changed
 *   (the State resource is exempt: 3.1.s3).
 */
export function checkPreconditions(
  current: string | undefined,
  p: Preconditions,
  opts: { put: boolean; stateResource: boolean },
): void {
  if (p.ifMatch !== undefined) {
    const ok = current !== undefined && (p.ifMatch.includes('*') || p.ifMatch.includes(current));
    if (!ok)
      throw new ApiError(
        'precondition_failed',
        current === undefined
          ? 'If-Match was sent but there is no such document'
          : 'If-Match does not match the document’s current ETag: it changed since it was fetched',
      );
  }
  if (p.ifNoneMatch !== undefined && current !== undefined) {
    if (p.ifNoneMatch.includes('*') || p.ifNoneMatch.includes(current))
      throw new ApiError('precondition_failed', 'If-None-Match was sent but the document exists');
  }
  if (
    opts.put &&
    !opts.stateResource &&
    current !== undefined &&
    p.ifMatch === undefined &&
    p.ifNoneMatch === undefined
  )
    throw new ApiError(
      'document_conflict',
      'The document already exists: check its current state (GET), then send If-Match with its current ETag to replace it',
    );
}
