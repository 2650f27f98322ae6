import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseDetail } from '@lyceum/contracts';
import type { DraftEditAccepted, DraftView } from '../../contracts/authoring.ts';
import { makeVideo } from '../../test-support/content.ts';
import { localCall } from '../../test-support/devices.ts';
import { startProxy, type Proxy, type ProxyRule } from '../../test-support/proxy.ts';
import {
  removeDir,
  startSyncServer,
  type Account,
  type SyncServerProcess,
} from '../../test-support/sync-server.ts';
import { startCore, type Core } from '../core.ts';
import type { TeachUpload } from '../../contracts/teaching.ts';

type Device = Core & { dataDir: string };
let srv: SyncServerProcess;
let teacher: Account;
let course: CourseDetail;
let clip: Buffer;
const opened: { d: Device; proxy: Proxy }[] = [];

async function device(): Promise<{ d: Device; proxy: Proxy }> {
  const proxy = await startProxy(srv.url);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-author-media-'));
  const core = await startCore({
    config: { serverUrl: proxy.url, dataDir, port: 0, requestTimeoutMs: 3000 },
    rendererDir: null,
    sync: { autoStart: false, socket: false },
    downloads: { autoStart: false },
    teaching: { chunkSize: 64 * 1024, backoffMs: 50, pollMs: 200 },
  });
  const d = Object.assign(core, { dataDir });
  opened.push({ d, proxy });
  await d.session.signIn({ email: teacher.email, password: teacher.password });
  await d.sync.syncNow();
  return { d, proxy };
}

const view = async (d: Device) => {
  const r = await localCall<DraftView>(d, 'GET', `/api/teach/drafts/${course.id}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
async function until<T>(what: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await what();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
async function send(d: Device, lessonId: string, name: string) {
  const q = new URLSearchParams({ lessonId, kind: 'video', name });
  const res = await fetch(`${d.url}/api/teach/courses/${course.id}/uploads?${q}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${d.secret}`, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(clip),
  });
  return { status: res.status, body: (await res.json()) as TeachUpload };
}
const upload = async (d: Device, id: string) =>
  (await localCall<TeachUpload>(d, 'GET', `/api/teach/uploads/${id}`)).body;

beforeAll(async () => {
  srv = await startSyncServer();
  teacher = await srv.user('instructor', 'Mel Media');
  course = await srv.publishedCourse(teacher, {
    title: 'Films',
    subject: 'Film',
    modules: [{ title: 'Shots', lessons: [{ title: 'Wide', kind: 'video' }] }],
  });
  clip = await makeVideo(2);
});

afterAll(async () => {
  for (const { d, proxy } of opened) {
    await d.close().catch(() => undefined);
    await proxy.close().catch(() => undefined);
    removeDir(d.dataDir);
  }
  await srv?.stop();
  if (srv) removeDir(srv.dataDir);
});

describe('authoring media', () => {
  it('two devices replacing one lesson’s video: the one that lost shows a conflict, not Ready', async () => {
    const a = await device();
    const b = await device();
    const lessonId = course.modules[0]!.lessons[0]!.id;
    // An edit makes the course's draft, pulled to both devices.
    const edited = await localCall<DraftEditAccepted>(a.d, 'POST', `/api/teach/drafts/${course.id}/edits`, {
      name: 'updateCourse',
      args: { patch: { description: 'Now with films' } },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(202);
    await until(
      async () => {
        await a.d.sync.syncNow();
        await b.d.sync.syncNow();
        return (await localCall(b.d, 'GET', `/api/teach/drafts/${course.id}`)).status;
      },
      (s) => s === 200,
    );

    // B starts its upload first, but its chunks and "complete" cannot get through until A's file went live.
    const hold: ProxyRule = { path: '/api/v1/uploads/', action: 'refuse', times: 1_000_000 };
    b.proxy.rule(hold);
    const sentB = await send(b.d, lessonId, 'from-b.mp4');
    expect(sentB.status).toBe(202);
    await until(
      async () =>
        b.proxy.requests(`/api/v1/courses/${course.id}/uploads`).filter((r) => r.outcome === 'forwarded'),
      (seen) => seen.length > 0,
    );
    const sentA = await send(a.d, lessonId, 'from-a.mp4');
    expect(sentA.status).toBe(202);
    await until(
      () => upload(a.d, sentA.body.id),
      (u) => u.phase === 'processing' || u.phase === 'ready',
    );
    hold.times = 0;
    const lost = await until(
      () => upload(b.d, sentB.body.id),
      (u) => u.phase === 'failed' || u.phase === 'ready',
    );
    expect(lost.phase).toBe('failed');
    expect(lost.error?.code).toBe('version_conflict');
    const v = await view(b.d);
    expect(v.conflicts).toEqual([
      expect.objectContaining({
        id: sentB.body.id,
        edit: 'upload',
        target: { kind: 'lesson', id: lessonId, field: 'video' },
        mine: { name: 'from-b.mp4', size: clip.length },
      }),
    ]);
    const r = await localCall(
      b.d,
      'POST',
      `/api/teach/drafts/${course.id}/conflicts/${sentB.body.id}/resolve`,
      {
        choice: 'theirs',
      },
    );
    expect(r.status).toBe(200);
    expect((await view(b.d)).conflicts).toEqual([]);
  });

  it('a video for a lesson added offline queues, and does not start before the lesson reached the server', async () => {
    const { d, proxy } = await device();
    const moduleId = course.modules[0]!.id;
    const lessonId = randomUUID();
    await until(
      async () => {
        await d.sync.syncNow();
        return (await localCall(d, 'GET', `/api/teach/drafts/${course.id}`)).status;
      },
      (s) => s === 200,
    );
    proxy.setDown(true);
    const added = await localCall(d, 'POST', `/api/teach/drafts/${course.id}/edits`, {
      name: 'addLesson',
      args: { moduleId, lesson: { id: lessonId, title: 'Close-up', kind: 'video' } },
    });
    expect(added.status).toBe(202);
    const sent = await send(d, lessonId, 'close-up.mp4');
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    const waiting = await until(
      () => upload(d, sent.body.id),
      (u) => u.waiting !== null,
    );
    expect(waiting.phase).toBe('uploading');
    expect((await view(d)).uploads.map((u) => u.id)).toEqual([sent.body.id]);
    // Online again but the lesson not pushed yet (no sync): the upload still waits for it.
    proxy.setDown(false);
    await new Promise((r) => setTimeout(r, 500));
    expect(proxy.requests('/api/v1/courses/' + course.id + '/uploads')).toEqual([]);
    await d.sync.syncNow();
    expect((await view(d)).pendingEdits).toBe(0);
  });
});
