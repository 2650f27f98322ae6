import { createHash } from 'node:crypto';
import type { UploadStart } from '@lyceum/contracts';
import type { ServerConnection } from '../server/connection.ts';
import { ServerError, ServerUnreachable } from '../server/errors.ts';
import type { SessionService } from './session.ts';

/** Nobody (or somebody else) is signed in: the call cannot be made on the uploader's behalf now. */
export class SignedOut extends Error {
  constructor() {
    super('Nobody is signed in');
    this.name = 'SignedOut';
  }
}

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
  client: ServerConnection,
  session: SessionService,
  o: { chunkTimeoutMs?: number } = {},
) {
  const authed = <T>(call: (token: string) => Promise<T>): Promise<T> =>
    session.withToken((token) => {
      if (!token) throw new SignedOut();
      return call(token);
    });
  const base = client.baseUrl;

  /** PUT one chunk with its sha256 (raw bytes); a stop signal rejects with its reason. */
  function putChunk(uploadId: string, index: number, bytes: Buffer, stop?: AbortSignal) {
    const sum = createHash('sha256').update(bytes).digest('hex');
    return authed((token) =>
      client.call(
        'putUploadChunk',
        { params: { id: uploadId, index: String(index) } },
        {
          token,
          bytes: new Uint8Array(bytes),
          headers: { 'x-chunk-sha256': sum },
          timeoutMs: o.chunkTimeoutMs ?? 120_000,
          signal: stop,
        },
      ),
    );
  }

  return {
    authed,
    putChunk,
    teaching: (cursor?: string) =>
      authed((token) => client.call('listTeachingCourses', { query: { limit: 100, cursor } }, { token })),
    course: (id: string) => authed((token) => client.call('getCourse', { params: { id } }, { token })),
    courseAssets: (courseId: string) =>
      authed((token) => client.call('listCourseAssets', { params: { id: courseId } }, { token })),
    asset: (id: string) => authed((token) => client.call('getAsset', { params: { id } }, { token })),
    detach: (id: string) =>
      authed((token) => client.call('attachAsset', { params: { id }, body: { lessonId: null } }, { token })),
    start: (courseId: string, body: UploadStart) =>
      authed((token) => client.call('startUpload', { params: { id: courseId }, body }, { token })),
    upload: (id: string) => authed((token) => client.call('getUpload', { params: { id } }, { token })),
    /** Assembling a big file takes a while on the server. */
    complete: (id: string) =>
      authed((token) => client.call('completeUpload', { params: { id } }, { token, timeoutMs: 300_000 })),
    manifest: (courseId: string, lessonId: string) =>
      authed((token) => client.call('lessonContent', { params: { courseId, lessonId } }, { token })),
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
