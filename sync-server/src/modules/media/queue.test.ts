import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { memoryMailer, startTestServer, type TestServer } from '../../../test/harness.ts';
import { newId } from '../../lib/ids.ts';
import { filesystemStorage } from '../content/storage-fs.ts';
import type { ContentStorage } from '../content/storage.ts';
import { makeTestVideo } from './test-video.ts';
import { createMediaModule, type MediaModule } from './index.ts';
import { mediaQueue } from './queue.ts';

let t: TestServer;
let storage: ContentStorage;
let storeRoot: string;
const VIDEO_KEY = 'assets/source/original.mp4';
const modules: MediaModule[] = [];

const packaged: { assetId: string; status: string; error: string | null }[] = [];

function mediaModule(): MediaModule {
  const m = createMediaModule({
    onPackaged: async (o) => void packaged.push(o),
    config: t.server.config,
    db: t.server.database.db,
    pool: t.server.database.pool,
    logger: pino({ level: 'silent' }),
    mailer: memoryMailer(),
    storage,
    pollMs: 100,
  });
  modules.push(m);
  return m;
}

const job = async (assetId: string) =>
  (
    await t.server.database.pool.query<{
      status: string;
      attempts: number;
      locked_by: string | null;
      progress_percent: number;
    }>('SELECT status, attempts, locked_by, progress_percent FROM media_jobs WHERE asset_id = $1', [assetId])
  ).rows[0]!;

beforeAll(async () => {
  t = await startTestServer();
  await t.server.media.stop();
  storeRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-media-queue-'));
  storage = filesystemStorage(storeRoot);
  const src = path.join(storeRoot, 'src.mp4');
  await makeTestVideo(src);
  await storage.put(VIDEO_KEY, await fs.readFile(src), 'video/mp4');
}, 60_000);

afterAll(async () => {
  for (const m of modules) await m.stop();
  await t.close();
  await fs.rm(storeRoot, { recursive: true, force: true });
});

describe('media job queue', () => {
  it('hands each job to exactly one of many concurrent claimers, and never a job whose lease is held', async () => {
    const queue = mediaQueue(t.server.database.pool);
    const assets = [newId(), newId(), newId()];
    for (const assetId of assets) await queue.enqueue({ assetId, sourceKey: VIDEO_KEY });
    const claims = await Promise.all(Array.from({ length: 12 }, (_, i) => queue.claim(`w${i}`, 60_000)));
    const won = claims.filter((c) => c !== null);
    expect(won).toHaveLength(3);
    expect(new Set(won.map((c) => c.assetId))).toEqual(new Set(assets));
    for (const [i, c] of claims.entries()) if (c) expect((await job(c.assetId)).locked_by).toBe(`w${i}`);
    // Held leases are not taken, and a worker that lost its job cannot write to it.
    expect(await queue.claim('late', 60_000)).toBeNull();
    expect(await queue.heartbeat(won[0]!.id, 'late', 60_000, 50)).toBe(false);
    expect(await queue.fail(won[0]!.id, 'late', 'nope', true)).toBeNull();
    expect((await job(won[0]!.assetId)).status).toBe('running');
    await t.server.database.pool.query('DELETE FROM media_jobs WHERE asset_id = ANY($1)', [assets]);
  });

  it('resumes a job left running by a crashed worker once its lease expired, and leaves live leases alone', async () => {
    const pool = t.server.database.pool;
    const crashed = newId();
    const alive = newId();
    const insert = `INSERT INTO media_jobs (id, asset_id, kind, source_key, status, progress_percent, attempts, locked_by, locked_until)
      VALUES ($1, $2, 'package_video', $3, 'running', 40, 1, $4, now() + $5::interval)`;
    await pool.query(insert, [newId(), crashed, VIDEO_KEY, 'dead-worker', '-5 seconds']);
    await pool.query(insert, [newId(), alive, VIDEO_KEY, 'busy-worker', '1 hour']);
    // A half-written output from the crashed run is replaced.
    await storage.put(`assets/${crashed}/hls/720p/seg-0099.m4s`, Buffer.from('stale'), 'video/iso.segment');

    const m = mediaModule();
    m.start();
    await expect
      .poll(async () => (await job(crashed)).status, { timeout: 120_000, interval: 200 })
      .toBe('succeeded');
    const done = await job(crashed);
    expect(done.attempts).toBe(2);
    expect(done.locked_by).toBeNull();
    expect((await m.packagingResult(crashed))?.renditions).toHaveLength(2);
    expect(await storage.head(`assets/${crashed}/hls/720p/seg-0099.m4s`)).toBeNull();
    expect(await job(alive)).toMatchObject({ status: 'running', locked_by: 'busy-worker', attempts: 1 });
    await m.stop();
    await pool.query('DELETE FROM media_jobs WHERE asset_id = $1', [alive]);
  }, 150_000);

  it('gives up on a job whose worker died on its last attempt, and says so', async () => {
    const assetId = newId();
    await t.server.database.pool.query(
      `INSERT INTO media_jobs (id, asset_id, kind, source_key, status, attempts, max_attempts, locked_by, locked_until)
       VALUES ($1, $2, 'package_video', $3, 'running', 3, 3, 'dead-worker', now() - interval '1 second')`,
      [newId(), assetId, VIDEO_KEY],
    );
    const m = mediaModule();
    m.start();
    await expect
      .poll(async () => (await job(assetId)).status, { timeout: 10_000, interval: 50 })
      .toBe('failed');
    const r = await m.packagingResult(assetId);
    expect(r?.error).toBe('Packaging was interrupted 3 times; giving up');
    await expect
      .poll(() => packaged.find((p) => p.assetId === assetId))
      .toEqual({ assetId, status: 'failed', error: r?.error });
    expect((await job(assetId)).attempts).toBe(3);
    await m.stop();
  });

  it('runs a job on one worker only when two are started, and a stopping worker hands its job back', async () => {
    const a = mediaModule();
    const b = mediaModule();
    const assetId = newId();
    await a.onVideoUploaded({ assetId, sourceKey: VIDEO_KEY });
    a.start();
    b.start();
    await expect.poll(() => a.worker.active + b.worker.active, { timeout: 10_000, interval: 20 }).toBe(1);
    // Mid-encode, stop whichever holds it: the job goes back to the queue without using up an attempt.
    await expect
      .poll(async () => (await job(assetId)).progress_percent, { timeout: 30_000, interval: 50 })
      .toBeGreaterThan(0);
    const holder = a.worker.active ? a : b;
    const other = holder === a ? b : a;
    await other.stop();
    await holder.stop();
    expect(await job(assetId)).toMatchObject({ status: 'queued', attempts: 0, locked_by: null });

    // Both start again; it is packaged once, by one of them.
    a.start();
    b.start();
    let both = 0;
    await expect
      .poll(
        async () => {
          if (a.worker.active + b.worker.active > 1) both += 1;
          return (await job(assetId)).status;
        },
        { timeout: 120_000, interval: 50 },
      )
      .toBe('succeeded');
    expect(both).toBe(0);
    expect((await job(assetId)).attempts).toBe(1);
  }, 180_000);
});
