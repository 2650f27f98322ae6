import type { Readable } from 'node:stream';
import { matchesEtag, parseRange } from '@lyceum/contracts';
import express, { type Request, type Response } from 'express';
import { ApiError } from '../../http/errors.ts';
import type { UrlSigner } from './signing.ts';
import { canOpenRead, type OpenedObject } from './storage-fs.ts';
import { isSafeKey, type ContentStorage, type StoredObject } from './storage.ts';

export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** HLS segments, init segments and content-hashed names never change under the same key. */
export function cacheControlOf(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1);
  if (/\/hls\//.test(`/${key}`) && /\.(m4s|ts|mp4|m4a|aac|vtt|jpg|jpeg|png|webp)$/i.test(name))
    return IMMUTABLE;
  if (/[.-][0-9a-f]{16,}\.[a-z0-9]+$/i.test(name)) return IMMUTABLE;
  if (name.endsWith('.m3u8')) return 'public, max-age=300';
  return 'public, max-age=3600';
}

/**
 * Stream a body into the response: resolves when the response is over (finished or the client went away, which
 * stops the reading too), rejects when reading fails. Plain pipe() rather than stream.pipeline, which builds an
 * AbortController and an AbortError per response — measurable at thousands of segments a second.
 */
function send(body: Readable, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    if (res.destroyed) {
      // The client left before the body was ready: release it (and its file) now.
      body.destroy();
      return resolve();
    }
    body.once('error', reject);
    res.once('close', () => {
      body.destroy();
      resolve();
    });
    body.pipe(res);
  });
}

/** The storage key of a request path: each segment percent-decoded, nothing that could leave the store. */
function keyOf(segments: string[]): string {
  let decoded: string[];
  try {
    decoded = segments.map((s) => decodeURIComponent(s));
  } catch {
    throw new ApiError('invalid_path', 'The path is not valid');
  }
  const key = decoded.join('/');
  if (decoded.some((s) => s.includes('/')) || !isSafeKey(key))
    throw new ApiError('invalid_path', 'The path is not valid');
  return key;
}

/**
 * GET/HEAD /content/<key>?scope=&exp=&sig=  and  /content/t/<exp>/<sig>/<key> (signature over the asset folder
 * `assets/<id>/`, for HLS players). Range requests (206/416), strong ETags (304) and long immutable caching of
 * segments; nothing is served without a valid, unexpired signature.
 */
export function deliveryRouter(
  storage: ContentStorage,
  signer: UrlSigner,
  now: () => number = Date.now,
): express.Router {
  const router = express.Router();
  // The filesystem adapter opens a file once for its metadata and bytes; other adapters answer head() then get().
  const openable = canOpenRead(storage) ? storage : null;
  const serve = async (req: Request, res: Response) => {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      throw new ApiError('method_not_allowed', 'Content is read with GET or HEAD', undefined, {
        allow: 'GET, HEAD',
      });
    // Work on the raw (still encoded) path so '%2e%2e' and '%2f' are seen for what they are.
    const rawPath = (req.originalUrl.split('?')[0] ?? '').slice(req.baseUrl.length);
    const segments = rawPath.replace(/^\//, '').split('/');
    let key: string;
    let verdict: ReturnType<UrlSigner['verify']>;
    const nowSeconds = Math.floor(now() / 1000);
    if (segments[0] === 't' && segments.length > 3) {
      const [, exp, sig, ...rest] = segments;
      key = keyOf(rest);
      const parts = key.split('/');
      const scope = parts.length > 2 ? `${parts[0]}/${parts[1]}/` : key;
      verdict = signer.verify(key, { scope, exp, sig }, nowSeconds);
    } else {
      key = keyOf(segments);
      verdict = signer.verify(key, req.query as Record<string, unknown>, nowSeconds);
    }
    if (verdict === 'invalid') throw new ApiError('signature_invalid', 'The link is not valid');
    if (verdict === 'expired')
      throw new ApiError('signature_expired', 'The link has expired; ask for a new one');

    let opened: OpenedObject | null = null;
    let obj: StoredObject | null;
    if (openable) {
      opened = await openable.openRead(key);
      obj = opened?.object ?? null;
    } else obj = await storage.head(key);
    if (!obj) throw new ApiError('not_found', 'No such content');
    try {
      await answer(req, res, key, obj, opened);
    } finally {
      opened?.close(); // unless its stream took the file over
    }
  };
  const answer = async (
    req: Request,
    res: Response,
    key: string,
    obj: StoredObject,
    opened: OpenedObject | null,
  ) => {
    const etag = `"${obj.etag}"`;
    res.setHeader('etag', etag);
    res.setHeader('accept-ranges', 'bytes');
    res.setHeader('cache-control', cacheControlOf(key));
    res.set('content-type', obj.contentType); // Express adds the charset of text types
    res.setHeader('cross-origin-resource-policy', 'cross-origin');
    // Mounted ahead of helmet (a hot path): the one helmet header that matters for served bytes.
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-expose-headers', 'content-range, content-length, etag, accept-ranges');
    if (matchesEtag(req.get('if-none-match'), etag)) {
      res.status(304).end();
      return;
    }
    const ifRange = req.get('if-range');
    const range = ifRange && ifRange !== etag ? null : parseRange(req.get('range'), obj.size);
    if (range === 'unsatisfiable')
      throw new ApiError(
        'range_not_satisfiable',
        `The range is not within the ${obj.size} bytes of this object`,
        undefined,
        {
          'content-range': `bytes */${obj.size}`,
        },
      );
    if (range) {
      res.status(206).set({
        'content-range': `bytes ${range.start}-${range.end}/${obj.size}`,
        'content-length': String(range.end - range.start + 1),
      });
    } else {
      res.status(200).set('content-length', String(obj.size));
    }
    if (req.method === 'HEAD' || obj.size === 0) {
      res.end();
      return;
    }
    const body = opened ? opened.stream(range ?? undefined) : await storage.get(key, range ?? undefined);
    await send(body, res);
  };
  router.use((req, res, next) => {
    serve(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      next(err);
    });
  });
  return router;
}
