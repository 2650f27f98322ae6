import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseDetail } from '@lyceum/contracts';
import { startCore, type Core } from '../core.ts';
import { makeVideo, sha256, tinyPdf, uploadFile, waitAssetReady } from '../../test-support/content.ts';
import { startProxy, type Proxy } from '../../test-support/proxy.ts';
import {
  removeDir,
  startSyncServer,
  type Account,
  type SyncServerProcess,
} from '../../test-support/sync-server.ts';
import { downloadItems } from './tables.ts';

let srv: SyncServerProcess;
let proxy: Proxy;
let student: Account;
let course: CourseDetail;
let pdf: Buffer;
let videoLesson: string;
let slidesLesson: string;
const dirs: string[] = [];
const cores: Core[] = [];

async function device(dataDir: string, fetchImpl?: typeof fetch): Promise<Core> {
  const core = await startCore({
    config: { serverUrl: proxy.url, dataDir, port: 0, requestTimeoutMs: 5000 },
    rendererDir: null,
    sync: { autoStart: false, socket: false },
    downloads: { fetch: fetchImpl, backoffMs: 50, idleMs: 10_000 },
  });
  cores.push(core);
  if (!(await core.session.accessToken()))
    await core.session.signIn({ email: student.email, password: student.password });
  return core;
}

const newDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-dl-'));
  dirs.push(d);
  return d;
};

const rows = (core: Core) => core.store.db.select().from(downloadItems).all();
const localFile = (core: Core, dataDir: string, rel: string) =>
  path.join(dataDir, 'content', course.id, ...rel.split('/'));

beforeAll(async () => {
  srv = await startSyncServer();
  proxy = await startProxy(srv.url);
  const instructor = await srv.user('instructor');
  student = await srv.user('student');
  course = await srv.publishedCourse(instructor, {
    title: 'Offline media',
    description: 'Video and slides kept on the laptop.',
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
  pdf = tinyPdf('Offline');
  const video = await uploadFile(srv, instructor.token, course.id, {
    lessonId: videoLesson,
    kind: 'video',
    name: 'clip.mp4',
    bytes: await makeVideo(3),
  });
  await uploadFile(srv, instructor.token, course.id, {
    lessonId: slidesLesson,
    kind: 'slides',
    name: 'deck.pdf',
    bytes: pdf,
  });
  await waitAssetReady(srv, instructor.token, video.id);
  const enrolled = await srv.api('POST', `/api/v1/courses/${course.id}/enrollment`, { token: student.token });
  expect(enrolled.status).toBeLessThan(300);
}, 120_000);

afterAll(async () => {
  for (const c of cores) await c.close().catch(() => undefined);
  await proxy?.close();
  await srv?.stop();
  if (srv) removeDir(srv.dataDir);
  for (const d of dirs) removeDir(d);
});

describe('download manager against a real sync server', () => {
  let core: Core;
  let dataDir: string;

  it('downloads a course (video of the preferred quality + PDF), verified, with playlists that resolve locally', async () => {
    dataDir = newDir();
    core = await device(dataDir);
    const first = await core.downloads.makeAvailable(course.id);
    expect(first.files).toBeGreaterThan(4);
    await core.downloads.idle();

    const p = core.downloads.progress(course.id);
    expect(p.state).toBe('done');
    expect(p.bytesDone).toBe(p.bytesTotal);
    expect(p.lessons.map((l) => l.lessonId).sort()).toEqual([videoLesson, slidesLesson].sort());
    for (const r of rows(core)) {
      expect(r.status).toBe('done');
      expect(sha256(fs.readFileSync(localFile(core, dataDir, r.relPath)))).toBe(r.sha256);
    }
    // The default preference is 720p: that rendition only, plus the master playlist and the poster.
    const video = rows(core).filter((r) => r.lessonId === videoLesson);
    expect(video.some((r) => r.relPath.includes('/hls/720p/'))).toBe(true);
    expect(video.some((r) => r.relPath.includes('/hls/360p/'))).toBe(false);
    expect(video.some((r) => r.relPath.endsWith('/hls/poster.jpg'))).toBe(true);
    const slides = rows(core).filter((r) => r.lessonId === slidesLesson);
    expect(slides).toHaveLength(1);
    expect(fs.readFileSync(localFile(core, dataDir, slides[0]!.relPath)).equals(pdf)).toBe(true);

    // What hls.js would ask the core for: the master lists only the stored variant; every URI of it resolves.
    const master = video.find((r) => r.relPath.endsWith('/hls/master.m3u8'))!;
    const base = master.relPath.slice(0, master.relPath.lastIndexOf('/') + 1);
    const served = core.downloads.resolve(course.id, master.relPath);
    expect(served?.kind).toBe('playlist');
    const variants =
      served!.kind === 'playlist' ? served!.body.split('\n').filter((l) => l && !l.startsWith('#')) : [];
    expect(variants).toEqual(['720p/index.m3u8']);
    const media = core.downloads.resolve(course.id, base + variants[0]);
    expect(media?.kind).toBe('file');
    const text = media!.kind === 'file' ? fs.readFileSync(media!.file, 'utf8') : '';
    const uris = [
      ...[...text.matchAll(/URI="([^"]+)"/g)].map((m) => m[1]!),
      ...text.split('\n').filter((l) => l.trim() && !l.startsWith('#')),
    ];
    expect(uris.some((u) => u.endsWith('.m4s'))).toBe(true);
    expect(uris.some((u) => u.endsWith('init.mp4'))).toBe(true);
    for (const u of uris) expect(core.downloads.resolve(course.id, `${base}720p/${u}`)?.kind).toBe('file');

    // Traversal and unknown files are refused.
    expect(core.downloads.resolve(course.id, `${base}../../../../lyceum.db`)).toBeNull();
    expect(core.downloads.resolve(course.id, `${base}..%2f..%2flyceum.db`)).toBeNull();
    expect(core.downloads.resolve(course.id, `%2e%2e/%2e%2e/lyceum.db`)).toBeNull();
    expect(core.downloads.resolve('..', `content/${course.id}/${master.relPath}`)).toBeNull();
    expect(core.downloads.resolve(course.id, `${base}nothing.m4s`)).toBeNull();
  });

  it('detects a corrupted local file in a verify pass and fetches it again', async () => {
    const video = rows(core).filter((r) => r.relPath.endsWith('.m4s'));
    const seg = video[0]!;
    const file = localFile(core, dataDir, seg.relPath);
    const bytes = fs.readFileSync(file);
    const mid = Math.floor(bytes.length / 2);
    bytes[mid] = bytes[mid]! ^ 0xff;
    fs.writeFileSync(file, bytes);
    const before = proxy.seen.length;

    expect(await core.downloads.verify(course.id)).toEqual([seg.relPath]);
    await core.downloads.idle();
    const again = rows(core).find((r) => r.id === seg.id)!;
    expect(again.status).toBe('done');
    expect(again.attempts).toBe(seg.attempts + 1);
    expect(sha256(fs.readFileSync(file))).toBe(seg.sha256);
    expect(
      proxy.seen.slice(before).filter((s) => s.path.includes(seg.relPath.split('/').slice(2).join('/'))),
    ).toHaveLength(1);
    expect(await core.downloads.verify(course.id)).toEqual([]);
  });

  it('"remove offline copy" deletes the files and rows and frees the space', async () => {
    const total = rows(core).reduce((n, r) => n + r.size, 0);
    expect(core.downloads.diskUsage(course.id)).toBe(total);
    await core.downloads.remove(course.id);
    expect(core.downloads.diskUsage(course.id)).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'content', course.id))).toBe(false);
    expect(rows(core)).toHaveLength(0);
    expect(core.downloads.progress(course.id).state).toBe('empty');
  });

  it('resumes a file from its .part with a Range request after the core was closed mid-file', async () => {
    const dir = newDir();
    // The biggest file stalls after half of its bytes (as if the app were killed while fetching it).
    let target: { url: string; half: number } | null = null;
    let claimed = false;
    const stalling: typeof fetch = async (input, init) => {
      const url = String(input);
      if (!url.includes('/hls/720p/seg-') || claimed) return fetch(input, init);
      claimed = true;
      const res = await fetch(input, init);
      const all = new Uint8Array(await res.arrayBuffer());
      const half = Math.floor(all.length / 2);
      target = { url, half };
      const signal = init?.signal;
      const body = new ReadableStream<Uint8Array>({
        start(ctl) {
          ctl.enqueue(all.subarray(0, half));
          signal?.addEventListener('abort', () => ctl.error(new DOMException('aborted', 'AbortError')));
        },
      });
      return new Response(body, { status: res.status, headers: res.headers });
    };
    const killed = await device(dir, stalling);
    await killed.downloads.makeAvailable(course.id);
    const deadline = Date.now() + 20_000;
    let part = '';
    while (Date.now() < deadline) {
      const row = rows(killed).find(
        (r) =>
          target &&
          r.status === 'downloading' &&
          target.url.includes(r.relPath.split('/').slice(2).join('/')),
      );
      if (row) {
        part = `${localFile(killed, dir, row.relPath)}.part`;
        if (fs.existsSync(part) && fs.statSync(part).size === target!.half) break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(part).not.toBe('');
    await killed.close();
    const stalled = target as unknown as { url: string; half: number };
    expect(fs.statSync(part).size).toBe(stalled.half);

    const mark = proxy.seen.length;
    const reopened = await device(dir);
    await new Promise((r) => setTimeout(r, 50));
    await reopened.downloads.idle();
    expect(reopened.downloads.progress(course.id).state).toBe('done');
    const segPath = new URL(stalled.url).pathname;
    const after = proxy.seen.slice(mark).filter((s) => s.path.startsWith(segPath));
    expect(after).toHaveLength(1);
    expect(after[0]!.range).toBe(`bytes=${stalled.half}-`);
    expect(fs.existsSync(part)).toBe(false);
    for (const r of rows(reopened))
      expect(sha256(fs.readFileSync(localFile(reopened, dir, r.relPath)))).toBe(r.sha256);
  });
});
