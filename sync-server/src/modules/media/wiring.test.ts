import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import type { Asset } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { createCourse, type CreatedCourse } from '../../../test/factories.ts';
import { mp4Like, uploadClient } from '../content/test-support.ts';
import { makeTestVideo } from './test-video.ts';
import { MediaProgressEvent, type MediaProgress } from './index.ts';

// The composed server: an upload completed through the content module is packaged by the server's own worker.
let t: TestServer;
let owner: Awaited<ReturnType<TestServer['user']>>;
let course: CreatedCourse;
let video: Buffer;
let socket: Socket;
const events: MediaProgress[] = [];

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.user('instructor');
  course = await createCourse(t.server.database.pool, { ownerId: owner.id });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-media-wiring-'));
  const file = path.join(dir, 'lecture.mp4');
  await makeTestVideo(file);
  video = await fs.readFile(file);
  await fs.rm(dir, { recursive: true, force: true });
  socket = connect(t.url, {
    path: '/socket.io',
    auth: { token: owner.token },
    transports: ['websocket'],
    reconnection: false,
  });
  socket.on(MediaProgressEvent, (e: MediaProgress) => events.push(e));
  await new Promise<void>((resolve, reject) => {
    socket.once('sync:ready', () => resolve());
    socket.once('connect_error', reject);
  });
}, 60_000);

afterAll(async () => {
  socket?.disconnect();
  await t.close();
});

const assetStatus = async (id: string) =>
  (await t.api<Asset>('GET', `/api/v1/assets/${id}`, { token: owner.token })).body;

describe('packaging wired to uploads', () => {
  it('packages an uploaded video, tells the uploader over socket.io, and marks the asset ready', async () => {
    const up = await uploadClient(t, owner.token).uploadAll(
      course.id,
      'video',
      'lecture.mp4',
      video,
      1024 * 1024,
    );
    expect(up.status).toBe(200);
    const id = String(up.body.id);
    await expect
      .poll(async () => (await assetStatus(id)).status, { timeout: 120_000, interval: 200 })
      .toBe('ready');
    const r = await t.server.media.packagingResult(id);
    expect(r).toMatchObject({ status: 'succeeded', progressPercent: 100, error: null });
    expect(r!.renditions.map((x) => x.name)).toEqual(['360p', '720p']);
    expect(await t.server.content.storage.head(`assets/${id}/hls/master.m3u8`)).not.toBeNull();
    await expect
      .poll(() => events.find((e) => e.assetId === id && e.status === 'succeeded'))
      .toMatchObject({ percent: 100 });
    expect(events.filter((e) => e.assetId === id)[0]!.percent).toBeLessThan(50);
  }, 150_000);

  it('marks a broken video failed with the reason packaging gave', async () => {
    const up = await uploadClient(t, owner.token).uploadAll(
      course.id,
      'video',
      'broken.mp4',
      mp4Like(20_000),
    );
    expect(up.status).toBe(200);
    const id = String(up.body.id);
    await expect
      .poll(async () => (await assetStatus(id)).status, { timeout: 60_000, interval: 200 })
      .toBe('failed');
    const r = await t.server.media.packagingResult(id);
    expect(r?.status).toBe('failed');
    expect(r?.error).toBeTruthy();
    expect((await assetStatus(id)).failureReason).toBe(r?.error);
  }, 90_000);
});
