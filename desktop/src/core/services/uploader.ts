import type { Asset, Upload } from '@lyceum/contracts';
import { CoreError } from '../errors.ts';
import { ServerError } from '../server/errors.ts';
import type { SessionService } from './session.ts';
import { mediaSocket, type MediaInfoCache, type MediaProgress, type MediaSocket } from './teaching-media.ts';
import type { TeachUpload, TeachUploadKind } from '../../contracts/teaching.ts';
import { SignedOut, type ContentApi } from './uploader-http.ts';
import { chunkSizeFor, failureOf, isCode, toView, transient } from './uploader-rules.ts';
import type { UploadRecord, UploadStore } from './uploader-store.ts';

export interface UploaderTuning {
  /** Bytes per chunk (64 KiB–64 MiB); by default about a fiftieth of the file, between 256 KiB and 8 MiB. */
  chunkSize?: number;
  /** How often the asset is read while a video is packaged (ms); default 2000 (socket events come in between). */
  pollMs?: number;
  /** First wait after the server could not be reached (ms), doubling up to 15 s; default 1000. */
  backoffMs?: number;
  /** Listen for `media:progress` over socket.io (default true). */
  socket?: boolean;
}

/**
 * Uploads course files from the device: the spooled copy goes to the server as a chunked, resumable upload
 * (each chunk with its sha256, resuming from the chunks the server has), then a video is followed while it is
 * packaged (socket.io `media:progress`, and the asset polled as a fallback) until it is ready or failed.
 * State is on disk, so an upload interrupted by a restart goes on from where the server stands.
 */
export function uploader(d: {
  store: UploadStore;
  content: ContentApi;
  media: MediaInfoCache;
  session: SessionService;
  serverUrl: string;
  tuning?: UploaderTuning;
  onError?: (err: unknown) => void;
}) {
  const t = d.tuning ?? {};
  const records = new Map<string, UploadRecord>();
  const drivers = new Map<string, Promise<void>>();
  const wakers = new Map<string, () => void>();
  const waiting = new Map<string, string>();
  const closing = new AbortController();
  let socket: MediaSocket | null = null;
  let socketUser: string | null = null;

  const now = () => new Date().toISOString();
  const live = (rec: UploadRecord) => records.get(rec.id) === rec && !closing.signal.aborted;

  function save(rec: UploadRecord): void {
    rec.updatedAt = now();
    if (records.get(rec.id) === rec) d.store.save(rec);
    updateSocket();
  }

  function wake(id: string): void {
    wakers.get(id)?.();
  }

  function sleep(id: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakers.delete(id);
        closing.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakers.set(id, done);
      closing.signal.addEventListener('abort', done, { once: true });
    });
  }

  function onProgress(p: MediaProgress): void {
    for (const rec of records.values()) {
      if (rec.assetId !== p.assetId || (rec.phase !== 'uploading' && rec.phase !== 'processing')) continue;
      if (p.status === 'failed') {
        fail(rec, {
          code: 'packaging_failed',
          message: p.error ?? 'The video could not be packaged',
          permanent: false,
        });
        continue;
      }
      rec.packagingPercent = Math.max(rec.packagingPercent ?? 0, p.percent);
      rec.updatedAt = now();
      if (p.status === 'succeeded') wake(rec.id);
    }
  }

  /** The socket is open while the signed-in user has a video on its way. */
  function updateSocket(): void {
    if (closing.signal.aborted) return;
    let user: string | null = null;
    try {
      user = d.session.currentUserId();
    } catch {
      user = null;
    }
    const need =
      t.socket !== false &&
      user !== null &&
      [...records.values()].some(
        (r) =>
          r.userId === user && r.kind === 'video' && (r.phase === 'uploading' || r.phase === 'processing'),
      );
    if (need && (!socket || socketUser !== user)) {
      socket?.close();
      socketUser = user;
      socket = mediaSocket({
        serverUrl: d.serverUrl,
        token: () => d.session.accessToken().catch(() => null),
        onProgress,
      });
    } else if (!need && socket) {
      socket.close();
      socket = null;
      socketUser = null;
    }
  }

  function fail(rec: UploadRecord, error: NonNullable<UploadRecord['error']>): void {
    rec.phase = 'failed';
    rec.error = error;
    waiting.delete(rec.id);
    save(rec);
    wake(rec.id);
  }

  function resetServerUpload(rec: UploadRecord): void {
    rec.serverUploadId = null;
    rec.assetId = null;
    rec.bytesUploaded = 0;
    rec.packagingPercent = null;
    save(rec);
  }

  function applyAsset(rec: UploadRecord, asset: Asset): void {
    if (asset.status === 'ready') {
      rec.phase = 'ready';
      rec.bytesUploaded = rec.size;
      if (rec.kind === 'video') rec.packagingPercent = 100;
      save(rec);
    } else if (asset.status === 'processing') {
      rec.phase = 'processing';
      rec.bytesUploaded = rec.size;
      rec.packagingPercent ??= 0;
      save(rec);
    } else if (asset.status === 'failed') {
      // Refused at completion (wrong type) the asset has no detected type; a video that failed packaging has one.
      const packaged = rec.kind === 'video' && asset.mimeType !== null;
      fail(rec, {
        code: packaged ? 'packaging_failed' : 'unsupported_file_type',
        message: asset.failureReason ?? 'The server could not use this file',
        permanent: !packaged,
      });
    }
  }

  /** Start (or find) the server's upload, send the chunks it lacks, and complete it. */
  async function sendChunks(rec: UploadRecord): Promise<void> {
    let up: Upload;
    if (!rec.serverUploadId) {
      up = await d.content.start(rec.courseId, {
        kind: rec.kind,
        name: rec.name,
        size: rec.size,
        sha256: rec.sha256,
        lessonId: rec.lessonId,
        chunkSize: t.chunkSize ?? chunkSizeFor(rec.size),
      });
      rec.serverUploadId = up.id;
      rec.assetId = up.assetId;
      save(rec);
    } else {
      try {
        up = await d.content.upload(rec.serverUploadId);
      } catch (err) {
        if (isCode(err, 'not_found')) return resetServerUpload(rec);
        throw err;
      }
    }
    if (up.status === 'completed') return applyAsset(rec, await d.content.asset(up.assetId));
    if (Date.parse(up.expiresAt) <= Date.now()) return resetServerUpload(rec);

    const have = new Set(up.received);
    const sizeOf = (i: number) =>
      i < up.chunkCount - 1 ? up.chunkSize : rec.size - up.chunkSize * (up.chunkCount - 1);
    rec.bytesUploaded = [...have].reduce((n, i) => n + sizeOf(i), 0);
    save(rec);
    for (let i = 0; i < up.chunkCount; i++) {
      if (have.has(i)) continue;
      if (!live(rec)) return;
      for (let attempt = 1; ; attempt++) {
        const bytes = await d.store.readChunk(rec.id, i * up.chunkSize, sizeOf(i));
        try {
          await d.content.putChunk(up.id, i, bytes, closing.signal);
          break;
        } catch (err) {
          if (isCode(err, 'checksum_mismatch') && attempt < 3) continue;
          if (isCode(err, 'upload_closed', 'not_found')) return; // the next round reads the upload again
          throw err;
        }
      }
      rec.bytesUploaded += sizeOf(i);
      waiting.delete(rec.id);
      save(rec);
    }
    if (!live(rec)) return;
    let asset: Asset;
    try {
      asset = await d.content.complete(up.id);
    } catch (err) {
      // Missing chunks are sent by the next round; a lost answer to an earlier "complete" shows as closed.
      if (isCode(err, 'upload_incomplete')) return;
      if (isCode(err, 'upload_closed')) {
        const again = await d.content.upload(up.id);
        if (again.status === 'completed') return applyAsset(rec, await d.content.asset(again.assetId));
        return resetServerUpload(rec);
      }
      throw err;
    }
    applyAsset(rec, asset);
  }

  /** Follow packaging: socket events move the percent; the asset tells when it is over. */
  async function watch(rec: UploadRecord): Promise<void> {
    applyAsset(rec, await d.content.asset(rec.assetId!));
    if (rec.phase === 'processing' && live(rec))
      await sleep(rec.id, rec.packagingPercent === 100 ? 250 : (t.pollMs ?? 2000));
  }

  /** Ready: learn a video's duration and poster, detach older files of the lesson, drop the spooled copy. */
  async function finalize(rec: UploadRecord): Promise<void> {
    if (rec.kind === 'video' && rec.assetId) {
      const info = await d.media.get(rec.courseId, rec.lessonId, rec.assetId);
      rec.durationSeconds = info?.durationSeconds ?? null;
      rec.hasPoster = info?.poster ?? false;
    }
    if (rec.kind !== 'document') {
      const { items } = await d.content.courseAssets(rec.courseId);
      const mine = items.find((a) => a.id === rec.assetId);
      for (const a of items)
        if (
          a.lessonId === rec.lessonId &&
          a.kind === rec.kind &&
          a.id !== rec.assetId &&
          (!mine || a.createdAt <= mine.createdAt)
        )
          await d.content.detach(a.id);
    }
    d.store.deleteSource(rec.id);
    rec.finalized = true;
    waiting.delete(rec.id);
    save(rec);
  }

  async function drive(id: string): Promise<void> {
    let attempt = 0;
    for (;;) {
      const rec = records.get(id);
      if (!rec || closing.signal.aborted) return;
      if (rec.phase === 'failed' || (rec.phase === 'ready' && rec.finalized)) return;
      try {
        if (d.session.currentUserId() !== rec.userId) throw new SignedOut();
        if (rec.phase === 'uploading') await sendChunks(rec);
        else if (rec.phase === 'processing') await watch(rec);
        else await finalize(rec);
        attempt = 0;
      } catch (err) {
        if (!live(rec)) return;
        const why = transient(err);
        if (why === null) {
          if (!(err instanceof ServerError || err instanceof CoreError)) d.onError?.(err);
          fail(rec, failureOf(err));
          continue;
        }
        waiting.set(rec.id, why);
        await sleep(id, Math.min(15_000, (t.backoffMs ?? 1000) * 2 ** Math.min(attempt++, 5)));
      }
    }
  }

  function run(id: string): void {
    if (drivers.has(id) || closing.signal.aborted) return;
    const p = drive(id)
      .catch((err: unknown) => d.onError?.(err))
      .finally(() => drivers.delete(id));
    drivers.set(id, p);
  }

  const view = (rec: UploadRecord): TeachUpload =>
    toView(rec, waiting.get(rec.id) ?? null, d.store.hasSource(rec.id));

  const get = (id: string, userId: string | null): UploadRecord => {
    const rec = records.get(id);
    if (!rec || rec.userId !== userId) throw new CoreError('not_found', 'No such upload on this device');
    return rec;
  };
  const busy = (r: UploadRecord) =>
    r.phase === 'uploading' || r.phase === 'processing' || (r.phase === 'ready' && !r.finalized);

  return {
    /** Pick up the uploads saved on disk (after a restart) and go on with the unfinished ones. */
    start(): void {
      for (const rec of d.store.load()) records.set(rec.id, rec);
      for (const rec of records.values()) run(rec.id);
      updateSocket();
    },
    /** Unfinished uploads of someone who signed in again go on. */
    resume(): void {
      for (const rec of records.values()) if (busy(rec)) run(rec.id);
      updateSocket();
    },
    /** The upload of a lesson still on its way, if any. */
    activeFor: (userId: string, lessonId: string) =>
      [...records.values()].find((r) => r.userId === userId && r.lessonId === lessonId && busy(r)) ?? null,
    /** A file spooled by the store becomes an upload; earlier finished uploads of the lesson are forgotten. */
    add(input: {
      id: string;
      userId: string;
      courseId: string;
      lessonId: string;
      kind: TeachUploadKind;
      name: string;
      size: number;
      sha256: string;
    }): TeachUpload {
      for (const r of [...records.values()])
        if (r.userId === input.userId && r.lessonId === input.lessonId && !busy(r)) {
          records.delete(r.id);
          d.store.remove(r.id);
        }
      const at = now();
      const rec: UploadRecord = {
        ...input,
        phase: 'uploading',
        serverUploadId: null,
        assetId: null,
        bytesUploaded: 0,
        packagingPercent: null,
        error: null,
        durationSeconds: null,
        hasPoster: false,
        finalized: false,
        createdAt: at,
        updatedAt: at,
      };
      records.set(rec.id, rec);
      save(rec);
      run(rec.id);
      return view(rec);
    },
    list: (userId: string | null): TeachUpload[] =>
      [...records.values()].filter((r) => r.userId === userId).map(view),
    get: (id: string, userId: string | null): TeachUpload => view(get(id, userId)),
    /** Another attempt at a failed upload with the copy kept on the device (a new server upload). */
    retry(id: string, userId: string | null): TeachUpload {
      const rec = get(id, userId);
      if (rec.phase !== 'failed') throw new CoreError('conflict', 'Only a failed upload can be tried again');
      if (rec.error?.permanent)
        throw new CoreError(
          'conflict',
          `The server refused this file (${rec.error.message}). Choose another file.`,
        );
      if (!d.store.hasSource(rec.id))
        throw new CoreError(
          'conflict',
          'The copy of this file on the device is gone. Choose the file again.',
        );
      rec.error = null;
      rec.phase = 'uploading';
      resetServerUpload(rec);
      run(rec.id);
      return view(rec);
    },
    /**
     * Cancel an upload still being sent, or forget a finished or failed one on this device. An unfinished or failed
     * file is also taken off the lesson on the server (best effort; the server drops unfinished uploads itself).
     */
    dismiss(id: string, userId: string | null): void {
      const rec = get(id, userId);
      if (rec.phase === 'processing' || (rec.phase === 'ready' && !rec.finalized))
        throw new CoreError('conflict', 'The server is processing this video; wait until it is ready.');
      records.delete(rec.id);
      waiting.delete(rec.id);
      wake(rec.id);
      d.store.remove(rec.id);
      updateSocket();
      if (rec.assetId && rec.phase !== 'ready') void d.content.detach(rec.assetId).catch(() => undefined);
    },
    /** Stop: running requests are abandoned (the state on disk lets the next start resume). */
    async close(): Promise<void> {
      closing.abort();
      socket?.close();
      socket = null;
      const all = Promise.all([...drivers.values()]);
      await Promise.race([all, new Promise((r) => setTimeout(r, 2000).unref())]);
    },
  };
}
export type Uploader = ReturnType<typeof uploader>;
