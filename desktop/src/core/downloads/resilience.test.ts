import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseDetail } from '@lyceum/contracts';
import { startCore, type Core } from '../core.ts';
import { sha256, tinyPdf, uploadFile } from '../../test-support/content.ts';
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
const dirs: string[] = [];
const cores: Core[] = [];

async function device(
  opts: { fetch?: typeof fetch; maxAttempts?: number } = {},
): Promise<Core & { dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-dl-'));
  dirs.push(dataDir);
  const core = await startCore({
    config: { serverUrl: proxy.url, dataDir, port: 0, requestTimeoutMs: 5000 },
    rendererDir: null,
    sync: { autoStart: false, socket: false },
    downloads: { fetch: opts.fetch, maxAttempts: opts.maxAttempts, backoffMs: 20, idleMs: 10_000 },
  });
  cores.push(core);
  await core.session.signIn({ email: student.email, password: student.password });
  return Object.assign(core, { dataDir });
}

const rows = (core: Core) => core.store.db.select().from(downloadItems).all();
const manifestPath = () => `/api/v1/courses/${course.id}/lessons/`;

beforeAll(async () => {
  // Signed URLs live one second here, so a download that waits sees them expire.
  process.env.CONTENT_URL_TTL_SECONDS = '1';
  srv = await startSyncServer();
  delete process.env.CONTENT_URL_TTL_SECONDS;
  proxy = await startProxy(srv.url);
  const instructor = await srv.user('instructor');
  student = await srv.user('student');
  course = await srv.publishedCourse(instructor, {
    title: 'Resilient downloads',
    description: 'Slides only.',
    subject: 'Testing',
    modules: [{ title: 'Read', lessons: [{ title: 'Deck', kind: 'slides' }] }],
  });
  pdf = tinyPdf('Resilient');
  await uploadFile(srv, instructor.token, course.id, {
    lessonId: course.modules[0]!.lessons[0]!.id,
    kind: 'slides',
    name: 'deck.pdf',
    bytes: pdf,
  });
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

describe('download manager: expiry, retries, pause', () => {
  it('fetches a fresh manifest when a signed URL has expired (403 signature_expired)', async () => {
    const statuses: number[] = [];
    let waited = false;
    const slow: typeof fetch = async (input, init) => {
      if (!waited) {
        waited = true;
        await new Promise((r) => setTimeout(r, 2200));
      }
      const res = await fetch(input, init);
      statuses.push(res.status);
      return res;
    };
    const mark = proxy.seen.length;
    const core = await device({ fetch: slow });
    await core.downloads.makeAvailable(course.id);
    await core.downloads.idle();
    expect(core.downloads.progress(course.id).state).toBe('done');
    expect(statuses).toEqual([403, 200]);
    expect(proxy.seen.slice(mark).filter((s) => s.path.startsWith(manifestPath()))).toHaveLength(2);
    const [row] = rows(core);
    expect(row!.attempts).toBe(0);
    const file = path.join(core.dataDir, 'content', course.id, ...row!.relPath.split('/'));
    expect(fs.readFileSync(file).equals(pdf)).toBe(true);
  });

  it('retries network errors with backoff, then fails with the reason; resume tries again', async () => {
    const refuse = { path: '/content/', action: 'refuse' as const, times: 1000 };
    proxy.rule(refuse);
    const core = await device({ maxAttempts: 3 });
    await core.downloads.makeAvailable(course.id);
    await core.downloads.idle();
    const [row] = rows(core);
    expect(row!.status).toBe('failed');
    expect(row!.attempts).toBe(3);
    expect(row!.error).toBeTruthy();
    expect(core.downloads.progress(course.id)).toMatchObject({ state: 'failed', filesFailed: 1 });
    expect(proxy.seen.filter((s) => s.path.startsWith('/content/') && s.outcome === 'refuse').length).toBe(3);

    refuse.times = 0;
    await core.downloads.makeAvailable(course.id); // fresh URLs (the old ones expired) and a fresh set of tries
    await core.downloads.idle();
    expect(rows(core)[0]!.status).toBe('done');
  });

  it('pauses a course mid-file (keeping the .part) and resumes it with a Range request', async () => {
    let stalled = 0;
    const stalling: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (stalled > 0 || !res.ok || !String(input).includes('/content/')) return res;
      const all = new Uint8Array(await res.arrayBuffer());
      stalled = Math.floor(all.length / 2);
      const signal = init?.signal;
      const body = new ReadableStream<Uint8Array>({
        start(ctl) {
          ctl.enqueue(all.subarray(0, stalled));
          signal?.addEventListener('abort', () => ctl.error(new DOMException('aborted', 'AbortError')));
        },
      });
      return new Response(body, { status: res.status, headers: res.headers });
    };
    const core = await device({ fetch: stalling });
    await core.downloads.makeAvailable(course.id);
    const [row] = rows(core);
    const file = path.join(core.dataDir, 'content', course.id, ...row!.relPath.split('/'));
    const deadline = Date.now() + 10_000;
    while (
      !(fs.existsSync(`${file}.part`) && fs.statSync(`${file}.part`).size === stalled) &&
      Date.now() < deadline
    )
      await new Promise((r) => setTimeout(r, 20));
    await core.downloads.pause(course.id);
    expect(rows(core)[0]!.status).toBe('paused');
    expect(core.downloads.progress(course.id)).toMatchObject({ state: 'paused', bytesDone: stalled });
    expect(fs.statSync(`${file}.part`).size).toBe(stalled);

    const mark = proxy.seen.length;
    core.downloads.resume(course.id);
    await core.downloads.idle();
    expect(rows(core)[0]!.status).toBe('done');
    expect(sha256(fs.readFileSync(file))).toBe(sha256(pdf));
    const ranged = proxy.seen.slice(mark).filter((s) => s.path.startsWith('/content/') && s.range);
    expect(ranged.map((s) => s.range)).toContain(`bytes=${stalled}-`);
  });
});
