import { createHash } from 'node:crypto';
import {
  Asset,
  AssetList,
  ChunkReceipt,
  CourseList,
  ErrorBody,
  LessonManifest,
  Upload,
  type UploadStart,
} from '@lyceum/contracts';
import { ServerError, ServerUnreachable, type ServerClient } from '../server/client.ts';
import type { SessionService } from './session.ts';

/** Nobody (or somebody else) is signed in: the call cannot be made on the uploader's behalf now. */
export class SignedOut extends Error {
  constructor() {
    super('Nobody is signed in');
    this.name = 'SignedOut';
  }
}

const enc = encodeURIComponent;

/** Fetch with a timeout and an outside stop signal, without AbortSignal.any (see downloads/transfer.ts). */
async function timedFetch(
  url: URL | string,
  init: RequestInit,
  timeoutMs: number,
  stop?: AbortSignal,
): Promise<Response> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new DOMException('timeout', 'TimeoutError')), timeoutMs);
  const onStop = () => ac.abort(stop?.reason);
  stop?.addEventListener('abort', onStop, { once: true });
  try {
    if (stop?.aborted) throw stop.reason;
    return await fetch(url, { ...init, signal: ac.signal });
  } finally {
    clearTimeout(timer);
    stop?.removeEventListener('abort', onStop);
  }
}

/** The server's content API as the signed-in instructor (the token is refreshed when it expires). */
export function contentApi(
  client: ServerClient,
  session: SessionService,
  o: { chunkTimeoutMs?: number } = {},
) {
  const authed = <T>(call: (token: string) => Promise<T>): Promise<T> =>
    session.withToken((token) => {
      if (!token) throw new SignedOut();
      return call(token);
    });
  const base = client.baseUrl;

  /** PUT one chunk with its sha256; errors as the typed client would raise them. */
  async function putChunk(uploadId: string, index: number, bytes: Buffer, stop?: AbortSignal) {
    const sum = createHash('sha256').update(bytes).digest('hex');
    return authed(async (token) => {
      let res: Response;
      let text: string;
      try {
        res = await timedFetch(
          `${base}/api/v1/uploads/${enc(uploadId)}/chunks/${index}`,
          {
            method: 'PUT',
            headers: {
              accept: 'application/json',
              authorization: `Bearer ${token}`,
              'content-type': 'application/octet-stream',
              'x-chunk-sha256': sum,
            },
            body: new Uint8Array(bytes),
          },
          o.chunkTimeoutMs ?? 120_000,
          stop,
        );
        text = await res.text();
      } catch (err) {
        if (stop?.aborted) throw err;
        throw new ServerUnreachable(`Chunk ${index} could not be sent: ${String(err)}`, { cause: err });
      }
      if (res.status === 502 || res.status === 503 || res.status === 504)
        throw new ServerUnreachable(`The server is not available (${res.status})`);
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      if (!res.ok) {
        const e = ErrorBody.safeParse(json);
        if (e.success)
          throw new ServerError(res.status, e.data.error.code, e.data.error.message, e.data.error.details);
        throw new ServerError(res.status, 'internal', `Chunk ${index} failed with status ${res.status}`);
      }
      return ChunkReceipt.parse(json);
    });
  }

  return {
    authed,
    putChunk,
    teaching: (cursor?: string) =>
      authed((token) =>
        client.request('GET', '/api/v1/me/courses/teaching', {
          token,
          query: { limit: 100, cursor },
          schema: CourseList,
        }),
      ),
    course: (id: string) => authed((token) => client.getCourse(id, token)),
    courseAssets: (courseId: string) =>
      authed((token) =>
        client.request('GET', `/api/v1/courses/${enc(courseId)}/assets`, { token, schema: AssetList }),
      ),
    asset: (id: string) =>
      authed((token) => client.request('GET', `/api/v1/assets/${enc(id)}`, { token, schema: Asset })),
    detach: (id: string) =>
      authed((token) =>
        client.request('PUT', `/api/v1/assets/${enc(id)}/lesson`, {
          token,
          body: { lessonId: null },
          schema: Asset,
        }),
      ),
    start: (courseId: string, body: UploadStart) =>
      authed((token) =>
        client.request('POST', `/api/v1/courses/${enc(courseId)}/uploads`, { token, body, schema: Upload }),
      ),
    upload: (id: string) =>
      authed((token) => client.request('GET', `/api/v1/uploads/${enc(id)}`, { token, schema: Upload })),
    /** Assembling a big file takes a while on the server. */
    complete: (id: string) =>
      authed((token) =>
        client.request('POST', `/api/v1/uploads/${enc(id)}/complete`, {
          token,
          schema: Asset,
          timeoutMs: 300_000,
        }),
      ),
    manifest: (courseId: string, lessonId: string) =>
      authed((token) =>
        client.request('GET', `/api/v1/courses/${enc(courseId)}/lessons/${enc(lessonId)}/content`, {
          token,
          schema: LessonManifest,
        }),
      ),
    /** A signed content URL (relative to the server, or absolute on a CDN): its bytes. */
    async signed(url: string, timeoutMs = 30_000): Promise<Buffer> {
      let res: Response;
      try {
        res = await timedFetch(new URL(url, `${base}/`), {}, timeoutMs);
      } catch (err) {
        throw new ServerUnreachable(`Content could not be fetched: ${String(err)}`, { cause: err });
      }
      if (!res.ok) throw new ServerError(res.status, 'not_found', `Content answered ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    },
  };
}
export type ContentApi = ReturnType<typeof contentApi>;
