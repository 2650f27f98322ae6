import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseDetail } from '@lyceum/contracts';
import { startCore, type Core } from '../core.ts';
import { LessonMedia } from '../../contracts/content.ts';
import { makeVideo, sha256, tinyPdf, uploadFile, waitAssetReady } from '../../test-support/content.ts';
import { stopAll } from '../../test-support/devices.ts';
import { startProxy, type Proxy } from '../../test-support/proxy.ts';
import { startSyncServer, type Account, type SyncServerProcess } from '../../test-support/sync-server.ts';
import { downloadItems } from './tables.ts';

/**
 * An offline copy follows its course's published content: an instructor adds a video to a lesson of a course a
 * student keeps offline → the device pulls the change, downloads the video in the background, says so, and plays
 * it from the local copy offline. On a metered connection with "only on Wi-Fi", the update waits and says so.
 */
let srv: SyncServerProcess;
let proxy: Proxy;
let instructor: Account;
let student: Account;
let course: CourseDetail;
let core: Core;
let dataDir: string;
const lesson: Record<'read' | 'deck' | 'later' | 'handout', string> = {
  read: '',
  deck: '',
  later: '',
  handout: '',
};

async function until<T>(what: string, probe: () => T | Promise<T>, ok: (v: T) => boolean, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The local API as the renderer calls it. */
async function local<T>(
  p: string,
  init: RequestInit = {},
): Promise<{ status: number; body: T; res: Response }> {
  const res = await fetch(core.url + p, {
    ...init,
    headers: { authorization: `Bearer ${core.secret}`, ...(init.headers ?? {}) },
  });
  const type = res.headers.get('content-type') ?? '';
  const body = (type.includes('json') ? await res.json() : await res.text()) as T;
  return { status: res.status, body, res };
}

const rowsOf = (lessonId: string) =>
  core.store.db
    .select()
    .from(downloadItems)
    .all()
    .filter((r) => r.lessonId === lessonId);

const offlineState = () => core.learning.course(course.id).enrollment!.offline!;

beforeAll(async () => {
  srv = await startSyncServer();
  proxy = await startProxy(srv.url);
  instructor = await srv.user('instructor');
  student = await srv.user('student');
  course = await srv.publishedCourse(instructor, {
    title: 'Kept up to date',
    description: 'A course whose offline copy follows new uploads.',
    subject: 'Testing',
    modules: [
      {
        title: 'One',
        lessons: [
          { title: 'Read first', kind: 'text', body: 'Hello' },
          { title: 'Deck', kind: 'slides' },
          { title: 'Later video', kind: 'video' },
          { title: 'Handout', kind: 'slides' },
        ],
      },
    ],
  });
  [lesson.read, lesson.deck, lesson.later, lesson.handout] = course.modules[0]!.lessons.map((l) => l.id) as [
    string,
    string,
    string,
    string,
  ];
  await uploadFile(srv, instructor.token, course.id, {
    lessonId: lesson.deck,
    kind: 'slides',
    name: 'deck.pdf',
    bytes: tinyPdf('Deck'),
  });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-updates-'));
  core = await startCore({
    config: { serverUrl: proxy.url, dataDir, port: 0, requestTimeoutMs: 5000 },
    rendererDir: null,
    sync: { autoStart: false, socket: false },
    downloads: { backoffMs: 50 },
  });
  await core.session.signIn({ email: student.email, password: student.password });
  await core.sync.syncNow();
  await core.learning.enroll(course.id);
  await core.learning.setOffline(course.id, true);
  await core.downloads.idle();
  await until('the copy is ready', offlineState, (o) => o.state === 'ready');
}, 120_000);

afterAll(() => stopAll({ core, proxy, server: srv, dirs: [dataDir] }));

describe('an offline copy follows its course (real sync server, real ffmpeg)', () => {
  it('starts complete: 4 of 4 lessons stored, nothing new', () => {
    expect(offlineState()).toMatchObject({ state: 'ready', storedItems: 4, totalItems: 4 });
    expect(core.learning.offline.progress(course.id).updates).toEqual([]);
  });

  it('downloads a video the instructor added, in the background after the pull, says so, and plays it offline', async () => {
    const clip = await uploadFile(srv, instructor.token, course.id, {
      lessonId: lesson.later,
      kind: 'video',
      name: 'later.mp4',
      bytes: await makeVideo(2),
    });
    await waitAssetReady(srv, instructor.token, clip.id, 90_000);
    expect(rowsOf(lesson.later)).toEqual([]);

    // The sync pulls the course's change (the lesson's asset became ready); nothing else is asked of the device.
    await until(
      'the new video is downloaded after the pull',
      async () => {
        await core.sync.syncNow();
        return rowsOf(lesson.later).map((r) => r.status);
      },
      (s) => s.length > 0 && s.every((x) => x === 'done'),
    );
    const done = await until(
      'the panel reports the new content',
      () => core.learning.offline.progress(course.id),
      (p) => p.updates[0]?.state === 'done',
    );
    expect(done.updates).toMatchObject([{ lessonId: lesson.later, kinds: ['video'], state: 'done' }]);
    expect(done.updates[0]!.bytes).toBeGreaterThan(10_000);
    expect(done.state).toBe('done');
    const files = rowsOf(lesson.later);
    expect(files.some((r) => r.relPath.endsWith('/hls/master.m3u8'))).toBe(true);
    for (const r of files) {
      expect(r.status).toBe('done');
      expect(sha256(fs.readFileSync(path.join(dataDir, 'content', course.id, ...r.relPath.split('/'))))).toBe(
        r.sha256,
      );
    }
    // The panel's figures and the notice.
    await until('the course row follows', offlineState, (o) => o.storedItems === 4 && o.state === 'ready');
    expect(core.learning.offline.notices()).toEqual([
      expect.objectContaining({
        courseTitle: 'Kept up to date',
        lessonId: lesson.later,
        lessonTitle: 'Later video',
        kinds: ['video'],
      }),
    ]);
    const online = LessonMedia.parse(
      (await local(`/api/learning/${course.id}/lessons/${lesson.later}/media`)).body,
    );
    expect(online.offline).toMatchObject({ kept: true, state: 'stored' });
    expect(online.assets.map((a) => a.stored)).toEqual([true]);

    // Offline: the lesson plays from this device.
    proxy.setDown(true);
    await core.connectivity.check(0);
    const media = LessonMedia.parse(
      (await local(`/api/learning/${course.id}/lessons/${lesson.later}/media`)).body,
    );
    expect(media.source).toBe('device');
    expect(media.assets).toHaveLength(1);
    expect(media.assets[0]).toMatchObject({ kind: 'video', stored: true });
    const master = await local<string>(media.assets[0]!.url);
    expect(master.status).toBe(200);
    expect(master.res.headers.get('x-lyceum-source')).toBe('device');
    const variant = master.body.split('\n').find((l) => l && !l.startsWith('#'))!;
    const base = media.assets[0]!.url.slice(0, media.assets[0]!.url.lastIndexOf('/') + 1);
    const playlist = await local<string>(base + variant);
    expect(playlist.res.headers.get('x-lyceum-source')).toBe('device');
    const segment = playlist.body.split('\n').find((l) => l.trim() && !l.startsWith('#'))!;
    const vbase = (base + variant).slice(0, (base + variant).lastIndexOf('/') + 1);
    const seg = await local<string>(vbase + segment);
    expect(seg.status).toBe(200);
    expect(seg.res.headers.get('x-lyceum-source')).toBe('device');
    proxy.setDown(false);
    await core.connectivity.check(0);

    // Dismissing the notice keeps the content.
    expect(core.learning.offline.dismissNotices(course.id)).toEqual([]);
    expect(core.learning.offline.progress(course.id).updates).toEqual([]);
    expect(rowsOf(lesson.later).every((r) => r.status === 'done')).toBe(true);
  }, 150_000);

  it('on a metered connection with "only on Wi-Fi", new content waits and says so; on Wi-Fi it downloads', async () => {
    const settings = await local<{ wifiOnly: boolean; metered: boolean | null; held: boolean }>(
      '/api/downloads/network',
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json', origin: core.url },
        body: JSON.stringify({ type: 'cellular', saveData: false }),
      },
    );
    expect(settings.body).toEqual({ wifiOnly: true, metered: true, held: true });

    const pdf = tinyPdf('Handout');
    await uploadFile(srv, instructor.token, course.id, {
      lessonId: lesson.handout,
      kind: 'slides',
      name: 'handout.pdf',
      bytes: pdf,
    });
    const mark = proxy.seen.length;
    // Syncs (as the server's poke would start them) until the change is sequenced and pulled.
    const waiting = await until(
      'the update is found',
      async () => {
        await core.sync.syncNow();
        return core.learning.offline.progress(course.id);
      },
      (p) => p.updates.length > 0,
    );
    expect(waiting.updatesHeld).toBe(true);
    expect(waiting.updates).toMatchObject([
      { lessonId: lesson.handout, state: 'waiting', kinds: ['slides'], files: 1, bytes: pdf.length },
    ]);
    // Nothing was fetched: no file of the handout asked for, no row queued.
    expect(
      proxy.seen.slice(mark).filter((s) => s.path.includes('handout') || s.path.endsWith('.pdf')),
    ).toEqual([]);
    expect(rowsOf(lesson.handout)).toEqual([]);
    await until('the course says 3 of 4', offlineState, (o) => o.storedItems === 3);
    expect(offlineState().totalItems).toBe(4);
    const media = LessonMedia.parse(
      (await local(`/api/learning/${course.id}/lessons/${lesson.handout}/media`)).body,
    );
    expect(media.offline).toMatchObject({ kept: true, state: 'waiting' });

    // "Check stored files" compares with the server too: the stored files are intact, the handout still waits.
    const verified = await core.learning.offline.verify(course.id);
    expect(verified).toMatchObject({
      requeued: [],
      serverChecked: true,
      updates: [{ lessonId: lesson.handout, state: 'waiting' }],
    });

    // Wi-Fi: what waited downloads by itself.
    core.downloads.policy.report({ type: 'wifi', saveData: null });
    await until(
      'the handout is stored',
      () => core.learning.offline.progress(course.id).updates,
      (u) => u[0]?.state === 'done',
    );
    const [row] = rowsOf(lesson.handout);
    expect(row).toMatchObject({ status: 'done', sha256: sha256(pdf) });
    await until('the course says 4 of 4', offlineState, (o) => o.storedItems === 4);

    // The setting itself, and what the local API refuses.
    const json = { 'content-type': 'application/json', origin: core.url };
    const put = (p: string, body: unknown) =>
      local<unknown>(p, { method: 'PUT', headers: json, body: JSON.stringify(body) });
    expect((await put('/api/downloads/network', { type: 'cellular' })).body).toMatchObject({ held: true });
    expect((await put('/api/downloads/settings', { wifiOnly: false })).body).toEqual({
      wifiOnly: false,
      metered: true,
      held: false,
    });
    const bad = await put('/api/downloads/network', { type: 'satellite' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'validation_failed' } });
    expect((await put('/api/downloads/settings', { wifiOnly: 'yes' })).status).toBe(400);
    expect((await put('/api/downloads/settings', { wifiOnly: true })).body).toMatchObject({ held: true });
    await put('/api/downloads/network', { type: 'wifi' });
  }, 120_000);

  it('"Check stored files" finds content the server has that no pull announced, and fetches it', async () => {
    const second = tinyPdf('Deck, part two');
    await uploadFile(srv, instructor.token, course.id, {
      lessonId: lesson.deck,
      kind: 'slides',
      name: 'deck-2.pdf',
      bytes: second,
    });
    // No sync: the student presses "Check stored files".
    const verified = await core.learning.offline.verify(course.id);
    expect(verified.requeued).toEqual([]);
    expect(verified.serverChecked).toBe(true);
    expect(verified.updates).toMatchObject([
      { lessonId: lesson.deck, kinds: ['slides'], bytes: second.length },
    ]);
    await until(
      'the second deck is stored',
      () => rowsOf(lesson.deck),
      (rows) => rows.length === 2 && rows.every((r) => r.status === 'done'),
    );
    expect(rowsOf(lesson.deck).map((r) => r.sha256)).toContain(sha256(second));
  });
});
