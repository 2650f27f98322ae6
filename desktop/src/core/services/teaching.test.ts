import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseDetail, Upload } from '@lyceum/contracts';
import { startCore, type Core, type CoreOptions } from '../core.ts';
import { makeVideo, tinyPdf } from '../../test-support/content.ts';
import { startProxy, type Proxy, type ProxyRule } from '../../test-support/proxy.ts';
import {
  removeDir,
  startSyncServer,
  type Account,
  type SyncServerProcess,
} from '../../test-support/sync-server.ts';
import type { TeachCourse, TeachCourseList, TeachUpload } from '../../contracts/teaching.ts';

const CHUNK = 64 * 1024;
let srv: SyncServerProcess;
let proxy: Proxy;
let teacher: Account;
let course: CourseDetail;
let clip: Buffer;
/** Long enough for several 64 KiB chunks. */
let longClip: Buffer;
const cores: Core[] = [];
const dirs: string[] = [];
const lesson = (title: string) => course.modules.flatMap((m) => m.lessons).find((l) => l.title === title)!.id;

async function device(
  who: Account,
  opts: { serverUrl?: string; dataDir?: string; teaching?: CoreOptions['teaching'] } = {},
): Promise<Core & { dataDir: string }> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-teach-'));
  if (!opts.dataDir) dirs.push(dataDir);
  const core = await startCore({
    config: { serverUrl: opts.serverUrl ?? srv.url, dataDir, port: 0, requestTimeoutMs: 5000 },
    rendererDir: null,
    sync: { autoStart: false, socket: false },
    downloads: { autoStart: false },
    teaching: { chunkSize: CHUNK, backoffMs: 50, ...opts.teaching },
  });
  cores.push(core);
  if (!opts.dataDir) await core.session.signIn({ email: who.email, password: who.password });
  return Object.assign(core, { dataDir });
}

async function local<T>(core: Core, method: string, p: string): Promise<{ status: number; body: T }> {
  const res = await fetch(core.url + p, { method, headers: { authorization: `Bearer ${core.secret}` } });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

type Failure = { error: { code: string; message: string } };

/** Send a file to the core's upload route as the renderer does (raw body, the rest in the query). */
async function send(core: Core, q: { lessonId: string; kind: string; name: string }, bytes: Buffer) {
  const res = await fetch(`${core.url}/api/teach/courses/${course.id}/uploads?${new URLSearchParams(q)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${core.secret}`, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(bytes),
  });
  return { status: res.status, body: (await res.json()) as TeachUpload & Failure };
}

/** Poll the upload's state (as the renderer does, but faster), keeping every state seen, until `done` holds. */
async function follow(core: Core, id: string, done: (u: TeachUpload) => boolean, timeoutMs = 90_000) {
  const seen: TeachUpload[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await local<TeachUpload>(core, 'GET', `/api/teach/uploads/${id}`);
    expect(r.status).toBe(200);
    seen.push(r.body);
    if (done(r.body)) return seen;
    if (Date.now() > deadline)
      throw new Error(`upload still ${JSON.stringify(r.body)} after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 40));
  }
}

const serverUpload = async (assetId: string) => {
  const [row] = await srv.sql('SELECT id FROM content_uploads WHERE asset_id = $1', [assetId]);
  return (await srv.api<Upload>('GET', `/api/v1/uploads/${String(row!.id)}`, { token: teacher.token })).body;
};

beforeAll(async () => {
  srv = await startSyncServer();
  proxy = await startProxy(srv.url);
  teacher = await srv.user('instructor', 'Tess Teacher');
  course = await srv.publishedCourse(teacher, {
    title: 'Filmmaking basics',
    description: 'Videos and slides uploaded from the desktop.',
    subject: 'Film',
    modules: [
      {
        title: 'Shooting',
        lessons: [
          { title: 'Framing', kind: 'video' },
          { title: 'Lighting', kind: 'video' },
          { title: 'Sound', kind: 'video' },
          { title: 'Cheat sheet', kind: 'slides' },
          { title: 'Notes', kind: 'text', body: 'Read this.' },
        ],
      },
    ],
  });
  clip = await makeVideo(3);
  longClip = await makeVideo(10);
  expect(longClip.length).toBeGreaterThan(6 * CHUNK);
});

afterAll(async () => {
  for (const c of cores) await c.close().catch(() => undefined);
  await proxy?.close();
  await srv?.stop();
  if (srv) removeDir(srv.dataDir);
  for (const d of dirs) removeDir(d);
});

describe('teaching from the desktop', () => {
  it('lists the courses the instructor teaches and a course’s lessons with what each accepts', async () => {
    const core = await device(teacher);
    const list = await local<TeachCourseList>(core, 'GET', '/api/teach/courses');
    expect(list.status).toBe(200);
    expect(list.body.items.map((c) => c.title)).toEqual(['Filmmaking basics']);
    const view = await local<TeachCourse>(core, 'GET', `/api/teach/courses/${course.id}`);
    expect(view.status).toBe(200);
    const lessons = view.body.modules[0]!.lessons;
    expect(lessons.map((l) => [l.title, l.accepts])).toEqual([
      ['Framing', 'video'],
      ['Lighting', 'video'],
      ['Sound', 'video'],
      ['Cheat sheet', 'slides'],
      ['Notes', null],
    ]);
    expect(lessons.every((l) => l.assets.length === 0 && l.upload === null)).toBe(true);
  });

  it('uploads a video in checksummed chunks, follows packaging over socket.io, and ends ready with duration and poster', async () => {
    // Polling the asset only every minute: packaging percents and the end can only come from media:progress.
    const core = await device(teacher, { teaching: { pollMs: 60_000 } });
    const sent = await send(core, { lessonId: lesson('Framing'), kind: 'video', name: 'framing.mp4' }, clip);
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ phase: 'uploading', size: clip.length, kind: 'video' });
    const seen = await follow(core, sent.body.id, (u) => u.phase === 'ready' || u.phase === 'failed');
    const last = seen[seen.length - 1]!;
    expect(last.error).toBeNull();
    expect(last).toMatchObject({ phase: 'ready', uploadPercent: 100, packagingPercent: 100 });
    expect(last.durationSeconds).toBeGreaterThan(2.5);
    expect(last.durationSeconds).toBeLessThan(3.5);
    expect(last.posterUrl).toBe(`/api/teach/assets/${last.assetId}/poster`);

    // Progress only moves forward, and packaging was seen in between (not just 0 then 100).
    const uploads = seen.map((u) => u.bytesUploaded);
    expect(uploads).toEqual([...uploads].sort((a, b) => a - b));
    const packaging = seen.filter((u) => u.phase === 'processing').map((u) => u.packagingPercent!);
    expect(packaging).toEqual([...packaging].sort((a, b) => a - b));
    expect(packaging.some((p) => p > 0 && p < 100)).toBe(true);

    // The server has it, ready, on the lesson; the course view shows it with its duration.
    const view = await local<TeachCourse>(core, 'GET', `/api/teach/courses/${course.id}`);
    const framing = view.body.modules[0]!.lessons[0]!;
    expect(framing.assets).toHaveLength(1);
    expect(framing.assets[0]).toMatchObject({
      id: last.assetId,
      status: 'ready',
      originalName: 'framing.mp4',
    });
    expect(framing.assets[0]!.durationSeconds).toBe(last.durationSeconds);
    expect(framing.upload?.id).toBe(sent.body.id);
    const poster = await fetch(core.url + last.posterUrl!, {
      headers: { authorization: `Bearer ${core.secret}` },
    });
    expect(poster.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await poster.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    // The spooled copy is gone once the server has the file.
    expect(fs.existsSync(path.join(core.dataDir, 'teach', 'uploads', sent.body.id, 'source'))).toBe(false);
  });

  it('resumes after the app is closed mid-upload, sending only the chunks the server lacks', async () => {
    // Three chunks get through, then every chunk is refused (the connection is cut) until the app restarts.
    const stall: ProxyRule = { path: '/api/v1/uploads/', action: 'refuse', times: 10_000, skip: 3 };
    proxy.rule(stall);
    const first = await device(teacher, { serverUrl: proxy.url });
    const sent = await send(
      first,
      { lessonId: lesson('Lighting'), kind: 'video', name: 'lighting.mp4' },
      longClip,
    );
    expect(sent.status).toBe(202);
    const stalled = await follow(first, sent.body.id, (u) => u.waiting !== null);
    const at = stalled[stalled.length - 1]!;
    expect(at).toMatchObject({ phase: 'uploading', bytesUploaded: 3 * CHUNK });
    expect(at.uploadPercent).toBe(Math.floor((100 * 3 * CHUNK) / longClip.length));
    expect(at.waiting).toMatch(/cannot be reached/);
    const before = await serverUpload(at.assetId!);
    expect(before.received).toEqual([0, 1, 2]);
    expect(before.chunkCount).toBe(Math.ceil(longClip.length / CHUNK));
    await first.close();

    stall.times = 0;
    const mark = proxy.seen.length;
    const again = await device(teacher, {
      serverUrl: proxy.url,
      dataDir: first.dataDir,
      teaching: { pollMs: 300 },
    });
    const seen = await follow(again, sent.body.id, (u) => u.phase === 'ready' || u.phase === 'failed');
    expect(seen[seen.length - 1]).toMatchObject({ phase: 'ready', error: null, assetId: at.assetId });
    const chunkPuts = proxy.seen
      .slice(mark)
      .filter((s) => s.method === 'PUT' && s.outcome === 'forwarded')
      .map((s) => Number(/\/chunks\/(\d+)$/.exec(s.path)?.[1]));
    const missing = Array.from({ length: before.chunkCount - 3 }, (_, i) => i + 3);
    expect(chunkPuts).toEqual(missing);
    expect((await serverUpload(at.assetId!)).status).toBe('completed');
  });

  it('cancels an upload that cannot go on: forgotten on the device and taken off the lesson', async () => {
    const stall: ProxyRule = { path: '/api/v1/uploads/', action: 'refuse', times: 10_000, skip: 1 };
    proxy.rule(stall);
    const core = await device(teacher, { serverUrl: proxy.url });
    const sent = await send(core, { lessonId: lesson('Sound'), kind: 'video', name: 'stuck.mp4' }, longClip);
    const stuck = await follow(core, sent.body.id, (u) => u.waiting !== null);
    const assetId = stuck[stuck.length - 1]!.assetId!;
    // A second file for the same lesson waits for the first one.
    const second = await send(core, { lessonId: lesson('Sound'), kind: 'video', name: 'other.mp4' }, clip);
    expect([second.status, second.body.error.code]).toEqual([409, 'conflict']);
    stall.times = 0;
    expect((await local(core, 'DELETE', `/api/teach/uploads/${sent.body.id}`)).status).toBe(204);
    expect((await local(core, 'GET', `/api/teach/uploads/${sent.body.id}`)).status).toBe(404);
    expect(fs.existsSync(path.join(core.dataDir, 'teach', 'uploads', sent.body.id))).toBe(false);
    await expect
      .poll(async () => (await srv.sql('SELECT lesson_id FROM content_assets WHERE id = $1', [assetId]))[0])
      .toEqual({ lesson_id: null });
  });

  it('refuses a file that is not a video with the server’s reason, and a broken video with the packager’s', async () => {
    const core = await device(teacher);
    const pdf = await send(
      core,
      { lessonId: lesson('Sound'), kind: 'video', name: 'notes.mp4' },
      tinyPdf('no'),
    );
    expect(pdf.status).toBe(202);
    const s1 = await follow(core, pdf.body.id, (u) => u.phase === 'failed' || u.phase === 'ready');
    expect(s1[s1.length - 1]).toMatchObject({ phase: 'failed', canRetry: false });
    expect(s1[s1.length - 1]!.error).toEqual({
      code: 'unsupported_file_type',
      message: expect.stringMatching(/application\/pdf, which is not accepted as video/) as string,
    });
    const retry = await local<Failure>(core, 'POST', `/api/teach/uploads/${pdf.body.id}/retry`);
    expect(retry.status).toBe(409);

    // MP4 header, then noise: accepted as a video by type, refused by the packager.
    const broken = Buffer.concat([clip.subarray(0, 4096), Buffer.alloc(100_000, 7)]);
    const b = await send(core, { lessonId: lesson('Sound'), kind: 'video', name: 'broken.mp4' }, broken);
    expect(b.status).toBe(202);
    const s2 = await follow(core, b.body.id, (u) => u.phase === 'failed' || u.phase === 'ready');
    const failed = s2[s2.length - 1]!;
    expect(failed).toMatchObject({ phase: 'failed', canRetry: true });
    expect(failed.error?.code).toBe('packaging_failed');
    expect(failed.error?.message.length).toBeGreaterThan(5);
  });

  it('answers bad requests with 4xx codes before any byte reaches the server', async () => {
    const core = await device(teacher, { teaching: { limits: { slides: 1000 } } });
    const assetsBefore = (await srv.sql('SELECT count(*)::int AS n FROM content_assets'))[0]!.n;
    const big = await send(
      core,
      { lessonId: lesson('Cheat sheet'), kind: 'slides', name: 'deck.pdf' },
      tinyPdf('x'.repeat(2000)),
    );
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('file_too_large');
    const check = await local<Failure>(
      core,
      'GET',
      `/api/teach/courses/${course.id}/uploads/check?lessonId=${lesson('Cheat sheet')}&kind=slides&name=d.pdf&size=5000`,
    );
    expect([check.status, check.body.error.code]).toEqual([413, 'file_too_large']);
    const kind = await send(
      core,
      { lessonId: lesson('Framing'), kind: 'banana', name: 'x' },
      clip.subarray(0, 10),
    );
    expect([kind.status, kind.body.error.code]).toEqual([400, 'validation_failed']);
    const elsewhere = await send(
      core,
      { lessonId: course.id, kind: 'video', name: 'x.mp4' },
      clip.subarray(0, 10),
    );
    expect([elsewhere.status, elsewhere.body.error.code]).toEqual([400, 'validation_failed']);
    const empty = await send(
      core,
      { lessonId: lesson('Cheat sheet'), kind: 'slides', name: 'e.pdf' },
      Buffer.alloc(0),
    );
    expect([empty.status, empty.body.error.code]).toEqual([400, 'validation_failed']);
    expect((await srv.sql('SELECT count(*)::int AS n FROM content_assets'))[0]!.n).toBe(assetsBefore);
    // A slides file within the limit goes straight to ready (no packaging).
    const ok = await send(
      core,
      { lessonId: lesson('Cheat sheet'), kind: 'slides', name: 'ok.pdf' },
      tinyPdf('ok'),
    );
    const done = await follow(core, ok.body.id, (u) => u.phase === 'ready' || u.phase === 'failed');
    expect(done[done.length - 1]).toMatchObject({ phase: 'ready', packagingPercent: null, error: null });
  });

  it('lets only the course’s instructors upload: a student and another instructor get the server’s 403', async () => {
    const student = await srv.user('student', 'Stu Dent');
    const core = await device(student);
    const list = await local<Failure>(core, 'GET', '/api/teach/courses');
    expect([list.status, list.body.error.code]).toEqual([403, 'forbidden']);
    const up = await send(core, { lessonId: lesson('Framing'), kind: 'video', name: 'x.mp4' }, clip);
    expect([up.status, up.body.error.code]).toEqual([403, 'forbidden']);
    const view = await local<Failure>(core, 'GET', `/api/teach/courses/${course.id}`);
    expect([view.status, view.body.error.code]).toEqual([403, 'forbidden']);

    const other = await srv.user('instructor', 'Other Teacher');
    await core.session.signIn({ email: other.email, password: other.password });
    const mine = await local<TeachCourseList>(core, 'GET', '/api/teach/courses');
    expect([mine.status, mine.body.items]).toEqual([200, []]);
    const refused = await send(core, { lessonId: lesson('Framing'), kind: 'video', name: 'x.mp4' }, clip);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/instructors/) as string,
    });
  });
});
