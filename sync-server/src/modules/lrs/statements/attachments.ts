import { createHash } from 'node:crypto';
import type pg from 'pg';
import { ApiError } from '../../../http/errors.ts';
import type { ContentStorage } from '../../content/storage.ts';
import { isObject, type Json } from '../validation/check.ts';
import type { MultipartPart } from './multipart.ts';
import { SIGNATURE_USAGE, verifySignature } from './signature.ts';

/** An attachment's bytes, as sent in a multipart/mixed request. */
export interface Part {
  sha2: string;
  contentType: string;
  body: Buffer;
}

const ALGORITHMS: Record<number, string> = { 56: 'sha224', 64: 'sha256', 96: 'sha384', 128: 'sha512' };

/** The hex SHA-2 of `body` in the length (algorithm) of `like`. */
export const sha2Of = (body: Buffer, like: string) =>
  createHash(ALGORITHMS[like.length] ?? 'sha256')
    .update(body)
    .digest('hex');

/**
 * The attachment parts of a multipart/mixed request (xAPI-Communication 1.5.2): each names its SHA-2 in
 * X-Experience-API-Hash, which must match its bytes, and is sent with Content-Transfer-Encoding: binary.
 */
export function attachmentParts(parts: readonly MultipartPart[]): Part[] {
  return parts.map((p, i) => {
    const hash = p.headers['x-experience-api-hash']?.toLowerCase();
    if (!hash || !/^[0-9a-f]{56,128}$/.test(hash))
      throw new ApiError('validation_failed', `Multipart part ${i + 1} has no X-Experience-API-Hash header`);
    if (p.headers['content-transfer-encoding']?.toLowerCase() !== 'binary')
      throw new ApiError(
        'validation_failed',
        `Multipart part ${i + 1} must have Content-Transfer-Encoding: binary`,
      );
    if (sha2Of(p.body, hash) !== hash)
      throw new ApiError(
        'validation_failed',
        `Multipart part ${i + 1}: its bytes do not match X-Experience-API-Hash`,
      );
    return { sha2: hash, contentType: p.headers['content-type'] ?? 'application/octet-stream', body: p.body };
  });
}

/** The attachments a statement declares, its SubStatement's included. */
export function declaredAttachments(s: Json): Json[] {
  const own = Array.isArray(s.attachments) ? (s.attachments as Json[]) : [];
  const sub =
    isObject(s.object) && Array.isArray(s.object.attachments) ? (s.object.attachments as Json[]) : [];
  return [...own, ...sub];
}

/**
 * Every declared attachment without a fileUrl has its part, every part is declared, and signatures verify
 * (xAPI-Data 2.4.11, 2.6). Resolves with the first problem, or null.
 */
export async function checkAttachments(
  statements: readonly Json[],
  parts: readonly Part[],
  sent: readonly unknown[],
): Promise<{ index: number; reason: string } | null> {
  const bySha = new Map(parts.map((p) => [p.sha2, p]));
  const declared = new Set<string>();
  for (const [index, s] of statements.entries()) {
    for (const a of declaredAttachments(s)) {
      const sha2 = String(a.sha2).toLowerCase();
      declared.add(sha2);
      const part = bySha.get(sha2);
      if (!part && a.fileUrl === undefined)
        return { index, reason: `attachments: no part carries the attachment with sha2 ${sha2}` };
      if (a.usageType === SIGNATURE_USAGE) {
        if (!part) return { index, reason: 'attachments: a signature must be sent as a part' };
        const problem = await verifySignature(part.body.toString('utf8'), sent[index] as Json);
        if (problem) return { index, reason: `signature: ${problem}` };
      }
    }
  }
  const stray = parts.find((p) => !declared.has(p.sha2));
  if (stray)
    return {
      index: 0,
      reason: `attachments: the part with sha2 ${stray.sha2} is not declared by any statement`,
    };
  return null;
}

const keyOf = (sha2: string) => `lrs/attachments/${sha2}`;

/** Keep the parts' bytes in the content storage, once per content. */
export async function storeParts(
  storage: ContentStorage,
  pool: pg.Pool,
  parts: readonly Part[],
): Promise<void> {
  for (const p of parts) {
    await storage.put(keyOf(p.sha2), p.body, p.contentType);
    await pool.query(
      `INSERT INTO lrs.attachments (sha2, content_type, length, storage_key) VALUES ($1, $2, $3, $4)
       ON CONFLICT (sha2) DO NOTHING`,
      [p.sha2, p.contentType, p.body.length, keyOf(p.sha2)],
    );
  }
}

/** The stored bytes of the statements' attachments (those sent as parts), for GET ...&attachments=true. */
export async function loadParts(
  storage: ContentStorage,
  pool: pg.Pool,
  statements: readonly Json[],
): Promise<Part[]> {
  const wanted = [
    ...new Set(statements.flatMap((s) => declaredAttachments(s).map((a) => String(a.sha2).toLowerCase()))),
  ];
  if (!wanted.length) return [];
  const { rows } = await pool.query<{ sha2: string; content_type: string; storage_key: string }>(
    'SELECT sha2, content_type, storage_key FROM lrs.attachments WHERE sha2 = ANY($1::text[])',
    [wanted],
  );
  const parts: Part[] = [];
  for (const r of rows) {
    const chunks: Buffer[] = [];
    for await (const c of await storage.get(r.storage_key)) chunks.push(c as Buffer);
    parts.push({ sha2: r.sha2, contentType: r.content_type, body: Buffer.concat(chunks) });
  }
  return parts;
}
