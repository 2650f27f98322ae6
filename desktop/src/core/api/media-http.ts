import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { matchesEtag, parseRange } from '@lyceum/contracts';
import { ErrorCode } from '@lyceum/contracts';
import type { LocalContent } from '../downloads/index.ts';
import { CoreError } from '../errors.ts';

/** HTTP of media for the player: Range (206/416), ETag/If-None-Match (304), local files or a relayed server stream. */

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Serve a stored file (or a rewritten playlist) with its strong ETag and byte ranges. */
export async function sendLocal(
  req: IncomingMessage,
  res: ServerResponse,
  content: LocalContent,
): Promise<void> {
  const body = content.kind === 'playlist' ? Buffer.from(content.body, 'utf8') : null;
  const size = body ? body.length : content.kind === 'file' ? content.size : 0;
  const etag =
    content.kind === 'file'
      ? `"${content.sha256}"`
      : `"${createHash('sha256')
          .update(body ?? '')
          .digest('hex')}"`;
  res.setHeader('content-type', content.contentType);
  res.setHeader('etag', etag);
  res.setHeader('accept-ranges', 'bytes');
  // The copy can be removed or replaced: the page revalidates (a 304 on loopback costs nothing).
  res.setHeader('cache-control', 'no-cache');
  res.setHeader('x-lyceum-source', 'device');
  if (matchesEtag(header(req, 'if-none-match'), etag)) {
    res.writeHead(304);
    res.end();
    return;
  }
  const ifRange = header(req, 'if-range');
  const range = ifRange && ifRange !== etag ? null : parseRange(header(req, 'range'), size);
  if (range === 'unsatisfiable') {
    res.setHeader('content-range', `bytes */${size}`);
    throw new CoreError('range_not_satisfiable', `The range is not within the ${size} bytes of this file`);
  }
  if (range) {
    res.setHeader('content-range', `bytes ${range.start}-${range.end}/${size}`);
    res.setHeader('content-length', String(range.end - range.start + 1));
    res.writeHead(206);
  } else {
    res.setHeader('content-length', String(size));
    res.writeHead(200);
  }
  if (req.method === 'HEAD' || size === 0) {
    res.end();
    return;
  }
  if (body) {
    res.end(range ? body.subarray(range.start, range.end + 1) : body);
    return;
  }
  if (content.kind !== 'file') return;
  const stream = fs.createReadStream(content.file, range ?? {});
  await pipeline(stream, res).catch((err: unknown) => {
    // The player went away (seek, page closed): not an error of the core.
    if (!res.destroyed && !res.writableEnded) throw err;
  });
}

/** The server could not be reached for a file that is not on this device. */
export class StreamUnreachable extends Error {}

const RELAYED = ['content-type', 'content-length', 'content-range', 'etag', 'accept-ranges', 'last-modified'];

/**
 * Relay a file from the server (a signed URL) to the player: Range, If-Range and If-None-Match go through, the
 * answer's status (200/206/304) and headers come back, the body is piped. Answers 'expired' when the signed URL
 * has expired (nothing was sent: the caller fetches a fresh one and tries again).
 */
export async function relayRemote(
  req: IncomingMessage,
  res: ServerResponse,
  url: string,
  fetchImpl: typeof fetch,
): Promise<'sent' | 'expired'> {
  const headers: Record<string, string> = {};
  for (const name of ['range', 'if-range', 'if-none-match']) {
    const v = header(req, name);
    if (v !== undefined) headers[name] = v;
  }
  const ctl = new AbortController();
  const abort = () => ctl.abort();
  res.once('close', abort);
  let up: Response;
  try {
    up = await fetchImpl(url, {
      method: req.method === 'HEAD' ? 'HEAD' : 'GET',
      headers,
      signal: ctl.signal,
    });
  } catch (err) {
    res.off('close', abort);
    throw new StreamUnreachable(err instanceof Error ? err.message : String(err));
  }
  try {
    if (up.status >= 400) {
      const text = await up.text().catch(() => '');
      let code = 'internal';
      let message = `The server answered ${up.status}`;
      try {
        const e = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
        code = e?.code ?? code;
        message = e?.message ?? message;
      } catch {
        /* not JSON */
      }
      if (up.status === 403 && code === 'signature_expired') return 'expired';
      if (up.status >= 500) throw new StreamUnreachable(message);
      if (up.status === 416) res.setHeader('content-range', up.headers.get('content-range') ?? '');
      const known = ErrorCode.safeParse(code);
      throw new CoreError(known.success ? known.data : 'bad_gateway', message);
    }
    for (const name of RELAYED) {
      const v = up.headers.get(name);
      if (v !== null) res.setHeader(name, v);
    }
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('x-lyceum-source', 'server');
    res.writeHead(up.status);
    if (!up.body || req.method === 'HEAD' || up.status === 304) {
      await up.body?.cancel();
      res.end();
      return 'sent';
    }
    await pipeline(Readable.fromWeb(up.body as WebReadableStream<Uint8Array>), res).catch((err: unknown) => {
      if (!ctl.signal.aborted) throw err;
    });
    return 'sent';
  } finally {
    res.off('close', abort);
  }
}
