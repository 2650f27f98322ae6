import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseDetail, LessonManifest } from '@lyceum/contracts';
import { startCore, type Core } from '../core.ts';
import type { CourseDownload, LessonMedia } from '../../contracts/content.ts';
import { makeVideo, sha256, tinyPdf, uploadFile, waitAssetReady } from '../../test-support/content.ts';
import { startProxy, type Proxy } from '../../test-support/proxy.ts';
import {
  removeDir,
  startSyncServer,
  type Account,
  type SyncServerProcess,
} from '../../test-support/sync-server.ts';

let srv: SyncServerProcess;
let proxy: Proxy;
let student: Account;
let course: CourseDetail;
let pdf: Buffer;
let videoLesson: string;
let slidesLesson: string;
let videoAsset: string;
let pdfAsset: string;
let core: Core;
let dataDir: string;

interface Answer {
  status: number;
  headers: Headers;
  buf: Buffer;
  json: <T>() => T;
}

async function local(
  method: string,
  p: string,
  opts: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  const res = await fetch(core.url + p, {
    method,
    headers: {
      authorization: `Bearer ${core.secret}`,
      ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...opts.headers,
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const buf = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, buf, json: <T>() => JSON.parse(buf.toString()) as T };
}

/** A request with the path exactly as written (fetch would normalize dot segments first). */
function rawGet(p: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: core.port, path: p, headers: { authorization: `Bearer ${core.secret}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const mediaPath = (lessonId: string, assetId: string, file: string) =>
  `/api/media/${course.id}/${lessonId}/${assetId}/${file}`;
const manifestRequests = () => proxy.requests(`/api/v1/courses/${course.id}/lessons/`).length;

async function waitDownload(state: CourseDownload['state'], timeoutMs = 30_000): Promise<CourseDownload> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = (await local('GET', `/api/downloads/${course.id}`)).json<CourseDownload>();
    if (d.state === state) return d;
    if (Date.now() > deadline) throw new Error(`download still ${d.state}: ${JSON.stringify(d)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  srv = await startSyncServer();
  proxy = await startProxy(srv.url);
  const instructor = await srv.user('instructor');
  student = await srv.user('student');
  course = await srv.publishedCourse(instructor, {
    title: 'Media routes',
    description: 'Video and slides through the local API.',
    subject: 'Testing',
    modules: [
      {
        title: 'Watch',
        lessons: [
          { title: 'Clip', kind: 'video' },
          { title: 'Slides', kind: 'slides' },
        ],
      },
    ],
  });
  [videoLesson, slidesLesson] = course.modules[0]!.lessons.map((l) => l.id) as [string, string];
  pdf = tinyPdf('Routes');
  const video = await uploadFile(srv, instructor.token, course.id, {
    lessonId: videoLesson,
    kind: 'video',
    name: 'clip.mp4',
    bytes: await makeVideo(3),
  });
  videoAsset = video.id;
  pdfAsset = (
    await uploadFile(srv, instructor.token, course.id, {
      lessonId: slidesLesson,
      kind: 'slides',
      name: 'deck.pdf',
      bytes: pdf,
    })
  ).id;
  await waitAssetReady(srv, instructor.token, video.id);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-media-'));
  core = await startCore({
    config: { serverUrl: proxy.url, dataDir, port: 0, requestTimeoutMs: 5000 },
    rendererDir: null,
    sync: { autoStart: false, socket: false },
    downloads: { backoffMs: 50, idleMs: 10_000 },
  });
  await core.session.signIn({ email: student.email, password: student.password });
  await core.learning.enroll(course.id);
  await core.sync.syncNow();
}, 120_000);

afterAll(async () => {
  await core?.close().catch(() => undefined);
  await proxy?.close();
  await srv?.stop();
  if (srv) removeDir(srv.dataDir);
  if (dataDir) removeDir(dataDir);
});

describe('media through the local API', () => {
  it('streams from the server what is not downloaded (Range passes through, one cached manifest)', async () => {
    const before = manifestRequests();
    const m = await local('GET', `/api/learning/${course.id}/lessons/${videoLesson}/media`);
    expect(m.status).toBe(200);
    const media = m.json<LessonMedia>();
    expect(media.source).toBe('server');
    expect(media.assets).toMatchObject([
      {
        assetId: videoAsset,
        kind: 'video',
        stored: false,
        url: mediaPath(videoLesson, videoAsset, 'hls/master.m3u8'),
      },
    ]);
    expect(media.assets[0]!.posterUrl).toBe(mediaPath(videoLesson, videoAsset, 'hls/poster.jpg'));

    const master = await local('GET', media.assets[0]!.url);
    expect(master.status).toBe(200);
    expect(master.headers.get('x-lyceum-source')).toBe('server');
    expect(master.headers.get('content-type')).toContain('mpegurl');
    const variants = master.buf
      .toString()
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));
    expect(variants.sort()).toEqual(['360p/index.m3u8', '720p/index.m3u8']);

    // A segment of the 360p rendition (not the preferred quality, so never downloaded), byte for byte.
    const playlist = (
      await local('GET', mediaPath(videoLesson, videoAsset, 'hls/360p/index.m3u8'))
    ).buf.toString();
    const seg = playlist.split('\n').find((l) => l.endsWith('.m4s'))!;
    const manifest = await srv.api<LessonManifest>(
      'GET',
      `/api/v1/courses/${course.id}/lessons/${videoLesson}/content`,
      { token: student.token },
    );
    const file = manifest.body.assets[0]!.files.find((f) => f.path === `hls/360p/${seg}`)!;
    const whole = await local('GET', mediaPath(videoLesson, videoAsset, `hls/360p/${seg}`));
    expect(whole.status).toBe(200);
    expect(whole.buf.length).toBe(file.size);
    expect(sha256(whole.buf)).toBe(file.sha256);

    const part = await local('GET', mediaPath(videoLesson, videoAsset, `hls/360p/${seg}`), {
      headers: { range: 'bytes=100-199' },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${file.size}`);
    expect(part.buf.equals(whole.buf.subarray(100, 200))).toBe(true);
    expect(proxy.seen.filter((s) => s.path.includes(`/hls/360p/${seg}`)).map((s) => s.range)).toContain(
      'bytes=100-199',
    );
    // Six media requests and one lesson-media call: the manifest was fetched once.
    expect(manifestRequests() - before).toBe(1);

    const etag = whole.headers.get('etag')!;
    const again = await local('GET', mediaPath(videoLesson, videoAsset, `hls/360p/${seg}`), {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
  });

  it('answers 503 offline for a file that is neither stored nor reachable, 404 for one the lesson lacks', async () => {
    const missing = await local('GET', mediaPath(videoLesson, videoAsset, 'hls/720p/nothing.m4s'));
    expect(missing.status).toBe(404);
    proxy.setDown(true);
    try {
      core.downloads.media.invalidate(course.id, slidesLesson);
      const r = await local('GET', mediaPath(slidesLesson, pdfAsset, 'original.pdf'));
      expect(r.status).toBe(503);
      expect(r.json<{ error: { code: string } }>().error.code).toBe('offline');
    } finally {
      proxy.setDown(false);
    }
  });

  it('downloads the course for offline use and serves it from the device (Range 206/416, ETag 304, HEAD)', async () => {
    const on = await local('PUT', `/api/learning/${course.id}/offline`, { body: { enabled: true } });
    expect(on.status).toBe(200);
    const done = await waitDownload('done');
    expect(done.bytesDone).toBe(done.bytesTotal);
    expect(done.lessons.map((l) => l.lessonId).sort()).toEqual([videoLesson, slidesLesson].sort());
    expect(done.diskBytes).toBe(done.bytesTotal);
    await expect
      .poll(async () => (await local('GET', `/api/learning/${course.id}`)).json<{ enrollment: unknown }>())
      .toMatchObject({ enrollment: { offline: { state: 'ready', storedItems: 2, totalItems: 2 } } });
    const list = (await local('GET', '/api/downloads')).json<{
      courses: CourseDownload[];
      totalDiskBytes: number;
    }>();
    expect(list.courses.map((c) => c.courseId)).toEqual([course.id]);
    expect(list.totalDiskBytes).toBeGreaterThanOrEqual(done.diskBytes);

    proxy.setDown(true);
    try {
      const url = mediaPath(slidesLesson, pdfAsset, 'original.pdf');
      const full = await local('GET', url);
      expect(full.status).toBe(200);
      expect(full.headers.get('x-lyceum-source')).toBe('device');
      expect(full.headers.get('content-type')).toBe('application/pdf');
      expect(full.headers.get('etag')).toBe(`"${sha256(pdf)}"`);
      expect(full.buf.equals(pdf)).toBe(true);

      expect((await local('GET', url, { headers: { 'if-none-match': `"${sha256(pdf)}"` } })).status).toBe(
        304,
      );
      const range = await local('GET', url, { headers: { range: 'bytes=5-14' } });
      expect(range.status).toBe(206);
      expect(range.headers.get('content-range')).toBe(`bytes 5-14/${pdf.length}`);
      expect(range.buf.equals(pdf.subarray(5, 15))).toBe(true);
      const suffix = await local('GET', url, { headers: { range: 'bytes=-6' } });
      expect(suffix.buf.equals(pdf.subarray(pdf.length - 6))).toBe(true);
      const beyond = await local('GET', url, { headers: { range: `bytes=${pdf.length}-` } });
      expect(beyond.status).toBe(416);
      expect(beyond.headers.get('content-range')).toBe(`bytes */${pdf.length}`);
      const head = await local('HEAD', url);
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(pdf.length));
      expect(head.buf.length).toBe(0);

      // Offline, the master lists only the stored rendition; the lesson's media comes from the device.
      const master = (
        await local('GET', mediaPath(videoLesson, videoAsset, 'hls/master.m3u8'))
      ).buf.toString();
      expect(master.split('\n').filter((l) => l.trim() && !l.startsWith('#'))).toEqual(['720p/index.m3u8']);
      const media = (
        await local('GET', `/api/learning/${course.id}/lessons/${slidesLesson}/media`)
      ).json<LessonMedia>();
      expect(media).toMatchObject({
        source: 'device',
        assets: [{ kind: 'slides', name: 'deck.pdf', stored: true }],
      });
    } finally {
      proxy.setDown(false);
    }
  });

  it('refuses traversal and malformed media paths', async () => {
    const base = `/api/media/${course.id}/${videoLesson}/${videoAsset}`;
    for (const p of [
      `${base}/..%2f..%2f..%2f..%2flyceum.db`,
      `${base}/hls/..%5c..%5c..%5clyceum.db`,
      `${base}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/lyceum.db`,
      `${base}/../../../../lyceum.db`,
      `/api/media/${course.id}/..%2f..%2flyceum.db`,
      `/api/media/..%2f..%2f/${videoLesson}/${videoAsset}/hls/master.m3u8`,
      `/api/media/${course.id}/${videoLesson}/${videoAsset}/hls/%00master.m3u8`,
    ]) {
      const r = await rawGet(p);
      expect(r.status, p).toBeGreaterThanOrEqual(400);
      expect(r.status, p).toBeLessThan(500);
      expect(r.body, p).not.toContain('SQLite');
    }
    expect((await rawGet(`${base}/..%2f..%2flyceum.db`)).body).toContain('invalid_path');
  });

  it('pause, verify (a damaged file is fetched again) and remove', async () => {
    const paused = (await local('POST', `/api/downloads/${course.id}/pause`)).json<CourseDownload>();
    expect(paused.state).toBe('done'); // nothing left to pause
    const pdfRow = core.store.sqlite
      .prepare(`SELECT rel_path FROM download_items WHERE rel_path LIKE '%original.pdf'`)
      .get() as { rel_path: string };
    const file = path.join(dataDir, 'content', course.id, ...pdfRow.rel_path.split('/'));
    fs.writeFileSync(file, Buffer.from('not the slides'));
    const v = (await local('POST', `/api/downloads/${course.id}/verify`)).json<{ requeued: string[] }>();
    expect(v.requeued).toEqual([pdfRow.rel_path]);
    await waitDownload('done');
    expect(fs.readFileSync(file).equals(pdf)).toBe(true);

    const removed = await local('DELETE', `/api/downloads/${course.id}`);
    expect(removed.status).toBe(200);
    expect(removed.json<CourseDownload>()).toMatchObject({ state: 'empty', diskBytes: 0, files: 0 });
    expect(fs.existsSync(path.join(dataDir, 'content', course.id))).toBe(false);
    const study = (await local('GET', `/api/learning/${course.id}`)).json<{
      enrollment: { offline: unknown };
    }>();
    expect(study.enrollment.offline).toBeNull();
    expect((await local('POST', `/api/downloads/not-a-uuid/pause`)).status).toBe(400);
  });
});

describe('pausing and resuming an offline copy through the local API', () => {
  it('pause keeps the copy unfinished (paused), resume finishes it and the course becomes ready', async () => {
    // Content transfers wait at a gate until it opens (or the transfer is aborted by the pause).
    let open = false;
    const waiting: (() => void)[] = [];
    const gated: typeof fetch = async (input, init) => {
      if (!open && String(input).includes('/content/')) {
        await new Promise<void>((resolve, reject) => {
          waiting.push(resolve);
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        });
      }
      return fetch(input, init);
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-media-pause-'));
    const second = await startCore({
      config: { serverUrl: proxy.url, dataDir: dir, port: 0, requestTimeoutMs: 5000 },
      rendererDir: null,
      sync: { autoStart: false, socket: false },
      downloads: { fetch: gated, backoffMs: 50, idleMs: 10_000 },
    });
    const call = async (method: string, p: string, body?: unknown) => {
      const res = await fetch(second.url + p, {
        method,
        headers: {
          authorization: `Bearer ${second.secret}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    try {
      await second.session.signIn({ email: student.email, password: student.password });
      await second.learning.enroll(course.id);
      expect((await call('PUT', `/api/learning/${course.id}/offline`, { enabled: true })).status).toBe(200);
      await expect.poll(() => waiting.length).toBeGreaterThan(0);
      const running = await call('GET', `/api/downloads/${course.id}`);
      expect(running.body).toMatchObject({ state: 'downloading', bytesDone: 0 });
      expect((running.body.bytesTotal as number) > 0).toBe(true);

      const paused = await call('POST', `/api/downloads/${course.id}/pause`);
      expect(paused.body).toMatchObject({ state: 'paused' });
      const study = await call('GET', `/api/learning/${course.id}`);
      expect(study.body).toMatchObject({ enrollment: { offline: { state: 'downloading' } } });
      expect(second.downloads.progress(course.id).lessons.every((l) => l.filesDone === 0)).toBe(true);

      open = true;
      for (const w of waiting.splice(0)) w();
      const resumed = await call('POST', `/api/downloads/${course.id}/resume`);
      expect(['downloading', 'done']).toContain(resumed.body.state);
      await expect
        .poll(async () => (await call('GET', `/api/downloads/${course.id}`)).body.state, { timeout: 20_000 })
        .toBe('done');
      await expect
        .poll(async () => (await call('GET', `/api/learning/${course.id}`)).body, { timeout: 5000 })
        .toMatchObject({ enrollment: { offline: { state: 'ready', storedItems: 2, totalItems: 2 } } });
    } finally {
      await second.close();
      removeDir(dir);
    }
  });
});
