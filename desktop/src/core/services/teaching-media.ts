import fs from 'node:fs';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { z } from 'zod';
import type { ContentApi } from './uploader-http.ts';

/** The server's socket.io event about a video being packaged (sync-server/src/modules/media/types.ts). */
export const MediaProgressEvent = 'media:progress';
export const MediaProgress = z.object({
  assetId: z.string(),
  percent: z.number().int().min(0).max(100),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  error: z.string().nullable().optional(),
});
export type MediaProgress = z.infer<typeof MediaProgress>;

/**
 * One socket.io connection as the signed-in user, for `media:progress` (sent to the uploader's room). Reconnects by
 * itself with a fresh token; the uploader also polls the asset, so a missed event only costs precision.
 */
export function mediaSocket(opts: {
  serverUrl: string;
  token: () => Promise<string | null>;
  onProgress: (p: MediaProgress) => void;
}) {
  let closed = false;
  const socket: Socket = io(opts.serverUrl, {
    transports: ['websocket'],
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 10_000,
    auth: (cb) => {
      opts.token().then(
        (token) => cb({ token }),
        () => cb({ token: null }),
      );
    },
  });
  socket.on(MediaProgressEvent, (payload: unknown) => {
    const p = MediaProgress.safeParse(payload);
    if (p.success) opts.onProgress(p.data);
  });
  socket.on('connect_error', () => {
    // An auth refusal is not retried by socket.io itself.
    if (!socket.active)
      setTimeout(() => {
        if (!closed) socket.connect();
      }, 5000).unref();
  });
  return {
    connected: () => socket.connected,
    close: () => {
      closed = true;
      socket.close();
    },
  };
}
export type MediaSocket = ReturnType<typeof mediaSocket>;

const MediaInfo = z.object({ durationSeconds: z.number().nullable(), poster: z.boolean() });
export type MediaInfo = z.infer<typeof MediaInfo>;

/** Length of an HLS media playlist: the sum of its segments' EXTINF durations. */
export function playlistSeconds(text: string): number | null {
  let total = 0;
  let n = 0;
  for (const m of text.matchAll(/^#EXTINF:([0-9.]+)/gm)) {
    total += Number(m[1]);
    n += 1;
  }
  return n ? Math.round(total * 1000) / 1000 : null;
}

/**
 * Duration and poster of packaged videos, read once from the lesson's manifest (the poster image and a rendition's
 * playlist, fetched through their signed URLs) and kept under `<root>/<assetId>.{json,jpg}`.
 */
export function mediaInfoCache(root: string, content: ContentApi) {
  const jsonOf = (assetId: string) => path.join(root, `${assetId}.json`);
  const posterOf = (assetId: string) => path.join(root, `${assetId}.jpg`);
  const pending = new Map<string, Promise<MediaInfo | null>>();

  function cached(assetId: string): MediaInfo | null {
    try {
      const r = MediaInfo.safeParse(JSON.parse(fs.readFileSync(jsonOf(assetId), 'utf8')));
      return r.success ? r.data : null;
    } catch {
      return null;
    }
  }

  async function fetchInfo(courseId: string, lessonId: string, assetId: string): Promise<MediaInfo | null> {
    const manifest = await content.manifest(courseId, lessonId);
    const asset = manifest.assets.find((a) => a.id === assetId);
    if (!asset || asset.status !== 'ready') return null;
    const poster = asset.files.find((f) => /(^|\/)poster\.jpg$/.test(f.path));
    const playlist = asset.files
      .filter((f) => /(^|\/)[^/]+\/index\.m3u8$/.test(f.path))
      .sort((a, b) => a.size - b.size)[0];
    fs.mkdirSync(root, { recursive: true });
    if (poster) {
      fs.writeFileSync(`${posterOf(assetId)}.tmp`, await content.signed(poster.url));
      fs.renameSync(`${posterOf(assetId)}.tmp`, posterOf(assetId));
    }
    const durationSeconds = playlist
      ? playlistSeconds((await content.signed(playlist.url)).toString('utf8'))
      : null;
    const info: MediaInfo = { durationSeconds, poster: Boolean(poster) };
    fs.writeFileSync(jsonOf(assetId), JSON.stringify(info));
    return info;
  }

  return {
    posterOf,
    cached,
    /** The info of a ready video (fetched once, then from disk); null while it is not ready. */
    get(courseId: string, lessonId: string, assetId: string): Promise<MediaInfo | null> {
      const have = cached(assetId);
      if (have) return Promise.resolve(have);
      let p = pending.get(assetId);
      if (!p) {
        p = fetchInfo(courseId, lessonId, assetId).finally(() => pending.delete(assetId));
        pending.set(assetId, p);
      }
      return p;
    },
  };
}
export type MediaInfoCache = ReturnType<typeof mediaInfoCache>;
