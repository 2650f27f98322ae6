import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { memoryMailer, startTestServer, type TestServer } from '../../../test/harness.ts';
import { newId } from '../../lib/ids.ts';
import { filesystemStorage } from '../content/storage-fs.ts';
import type { ContentStorage } from '../content/storage.ts';
import { makeTestVideo } from './test-video.ts';
import { createMediaModule, MediaProgressEvent, type MediaModule, type MediaProgress } from './index.ts';
import { parseMediaPlaylist } from './package.ts';

let t: TestServer;
let storage: ContentStorage;
let storeRoot: string;
let uploader: Awaited<ReturnType<TestServer['user']>>;
const VIDEO_KEY = 'assets/source/original.mp4';
const TEXT_KEY = 'assets/source/notes.mp4';
const modules: MediaModule[] = [];
const sockets: Socket[] = [];
const packaged: { assetId: string; status: string; error: string | null }[] = [];

function mediaModule(opts: { leaseMs?: number } = {}): MediaModule {
  const m = createMediaModule({
    config: t.server.config,
    db: t.server.database.db,
    pool: t.server.database.pool,
    logger: pino({ level: 'silent' }),
    mailer: memoryMailer(),
    storage,
    onPackaged: async (o) => void packaged.push(o),
    emit: (userId, event, payload) => void t.server.sockets?.io.to(`user:${userId}`).emit(event, payload),
    progressIntervalMs: 200,
    pollMs: 200,
    ...opts,
  });
  modules.push(m);
  return m;
}

async function readText(key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of await storage.get(key)) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function waitForJob(m: MediaModule, assetId: string, done: (s: string) => boolean, ms = 120_000) {
  const end = Date.now() + ms;
  for (;;) {
    const r = await m.packagingResult(assetId);
    if (r && done(r.status)) return r;
    if (Date.now() > end) throw new Error(`job of ${assetId} still ${r?.status}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

async function listen(token: string): Promise<MediaProgress[]> {
  const events: MediaProgress[] = [];
  const socket = connect(t.url, {
    path: '/socket.io',
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
  });
  sockets.push(socket);
  socket.on(MediaProgressEvent, (e: MediaProgress) => events.push(e));
  await new Promise<void>((resolve, reject) => {
    socket.once('sync:ready', () => resolve());
    socket.once('connect_error', reject);
  });
  return events;
}

beforeAll(async () => {
  t = await startTestServer();
  // The server's own worker would compete for the jobs; these tests run theirs on a filesystem store.
  await t.server.media.stop();
  storeRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-media-test-'));
  storage = filesystemStorage(storeRoot);
  const src = path.join(storeRoot, 'src.mp4');
  await makeTestVideo(src);
  await storage.put(VIDEO_KEY, await fs.readFile(src), 'video/mp4');
  await storage.put(
    TEXT_KEY,
    Buffer.from('These are my lecture notes, not a video.\n'.repeat(50)),
    'video/mp4',
  );
  uploader = await t.user('instructor');
}, 60_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  for (const m of modules) await m.stop();
  await t.close();
  await fs.rm(storeRoot, { recursive: true, force: true });
});

describe('video packaging', () => {
  it('packages a 10 s 720p video into fMP4 HLS at 360p and 720p with a poster, reporting progress to the uploader', async () => {
    const events = await listen(uploader.token);
    const m = mediaModule();
    m.start();
    const assetId = newId();
    await m.onVideoUploaded({ assetId, sourceKey: VIDEO_KEY, uploaderId: uploader.id });
    const r = await waitForJob(m, assetId, (s) => s === 'succeeded' || s === 'failed');
    expect(r.error).toBeNull();
    expect(r.status).toBe('succeeded');
    expect(r.progressPercent).toBe(100);
    expect(r.durationSeconds).toBeGreaterThan(9.8);
    expect(r.durationSeconds).toBeLessThan(10.3);
    expect(r.renditions.map((x) => [x.name, x.width, x.height])).toEqual([
      ['360p', 640, 360],
      ['720p', 1280, 720],
    ]);
    // 720p costs more bits than 360p.
    expect(r.renditions[1]!.averageBandwidth).toBeGreaterThan(r.renditions[0]!.averageBandwidth);

    const master = await readText(`assets/${assetId}/hls/master.m3u8`);
    expect(master.startsWith('#EXTM3U\n')).toBe(true);
    expect(master).toMatch(/#EXT-X-VERSION:\d+/);
    const variants = [...master.matchAll(/#EXT-X-STREAM-INF:([^\n]+)\n([^\n]+)/g)];
    expect(variants.map((v) => v[2])).toEqual(['360p/index.m3u8', '720p/index.m3u8']);
    for (const [, attrs] of variants)
      expect(attrs).toMatch(/BANDWIDTH=\d+,.*RESOLUTION=\d+x\d+,CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2"/);
    expect(variants[1]![1]).toContain('RESOLUTION=1280x720');

    for (const name of ['360p', '720p']) {
      const dir = `assets/${assetId}/hls/${name}`;
      const text = await readText(`${dir}/index.m3u8`);
      expect(text).toMatch(/#EXT-X-VERSION:\d+/);
      expect(text).toContain('#EXT-X-ENDLIST');
      const target = Number(/#EXT-X-TARGETDURATION:(\d+)/.exec(text)?.[1]);
      expect(target).toBeGreaterThanOrEqual(4);
      expect(target).toBeLessThanOrEqual(5);
      const { map, segments } = parseMediaPlaylist(text);
      expect(map).toBe('init.mp4');
      expect(await storage.head(`${dir}/${map}`)).not.toBeNull();
      expect(segments.length).toBeGreaterThanOrEqual(3);
      for (const seg of segments) {
        expect(seg.uri).toMatch(/\.m4s$/);
        const head = await storage.head(`${dir}/${seg.uri}`);
        expect(head?.size).toBeGreaterThan(0);
      }
      expect(segments.reduce((s, x) => s + x.duration, 0)).toBeCloseTo(10, 0);
    }

    const poster = await storage.get(`assets/${assetId}/hls/poster.jpg`);
    const bytes: Buffer[] = [];
    for await (const c of poster) bytes.push(c as Buffer);
    expect([...Buffer.concat(bytes).subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);

    // The file list is what is stored, byte for byte.
    const stored = await storage.list(`assets/${assetId}/hls/`);
    expect(r.files.map((f) => f.key).sort()).toEqual(stored);
    for (const f of r.files) {
      const head = await storage.head(f.key);
      expect(head?.size).toBe(f.size);
      expect(head?.sha256).toBe(f.sha256);
    }

    // Progress reached the uploader's socket, rising from low to 100.
    await expect.poll(() => events.at(-1)?.status, { timeout: 5000 }).toBe('succeeded');
    const mine = events.filter((e) => e.assetId === assetId);
    expect(mine.length).toBeGreaterThanOrEqual(3);
    expect(mine[0]!.percent).toBeLessThan(50);
    expect(mine.at(-1)).toMatchObject({ percent: 100, status: 'succeeded' });
    for (let i = 1; i < mine.length; i++)
      expect(mine[i]!.percent).toBeGreaterThanOrEqual(mine[i - 1]!.percent);
    expect(mine.some((e) => e.percent > 0 && e.percent < 100)).toBe(true);
    expect(packaged.filter((p) => p.assetId === assetId)).toEqual([
      { assetId, status: 'succeeded', error: null },
    ]);
    await m.stop();
  }, 180_000);

  it('fails a text file named .mp4 with a readable reason, without retrying', async () => {
    const events = await listen(uploader.token);
    const m = mediaModule();
    m.start();
    const assetId = newId();
    await m.onVideoUploaded({ assetId, sourceKey: TEXT_KEY, uploaderId: uploader.id });
    const r = await waitForJob(m, assetId, (s) => s === 'failed' || s === 'succeeded');
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/^(The file could not be read as a video: .+|The file has no video stream)$/);
    // Shown to the uploader: the file's name at most, never where the server keeps it (issue 12, defect 9).
    expect(r.error).not.toContain(storeRoot);
    expect(r.error).not.toMatch(/(^|[\s"'(])\/[^\s"']+\//);
    expect(r.files).toEqual([]);
    const { rows } = await t.server.database.pool.query(
      'SELECT attempts FROM media_jobs WHERE asset_id = $1',
      [assetId],
    );
    expect(rows[0].attempts).toBe(1);
    await expect
      .poll(() => events.find((e) => e.assetId === assetId && e.status === 'failed'), { timeout: 5000 })
      .toMatchObject({
        error: r.error,
      });
    expect(await storage.list(`assets/${assetId}/`)).toEqual([]);
    expect(packaged.filter((p) => p.assetId === assetId)).toEqual([
      { assetId, status: 'failed', error: r.error },
    ]);
    await m.stop();
  }, 60_000);
});
