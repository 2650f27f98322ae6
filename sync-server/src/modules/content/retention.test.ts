import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseDetail } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { Replica } from '../sync/test-support.ts';
import { contentRetention } from './retention.ts';
import { filesystemStorage } from './storage-fs.ts';

let t: TestServer;
let teacher: Awaited<ReturnType<TestServer['user']>>;
let root: string;
let storage: ReturnType<typeof filesystemStorage>;

beforeAll(async () => {
  t = await startTestServer();
  teacher = await t.user('instructor', 'Rita Retention');
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-retention-'));
  storage = filesystemStorage(root);
});
afterAll(async () => {
  await t.close();
  await fs.rm(root, { recursive: true, force: true });
});

const logger = pino({ level: 'silent' });
let minutes = 0;
/** An uploaded file: its row and two files in storage; each one made a minute after the previous. */
async function asset(courseId: string, lessonId: string | null, kind = 'video', status = 'ready') {
  const id = randomUUID();
  const at = new Date(Date.now() - 3_600_000 + ++minutes * 60_000);
  await t.server.database.pool.query(
    `INSERT INTO content_assets (id, course_id, lesson_id, kind, original_name, size, sha256, status,
       failure_reason, storage_key, created_by, created_at, updated_at)
     VALUES ($1, $2, $3, $4, 'f.mp4', 4, repeat('a', 64), $5, $6, $7, $8, $9, $9)`,
    [
      id,
      courseId,
      lessonId,
      kind,
      status,
      status === 'failed' ? 'Replaced' : null,
      `assets/${id}/original.mp4`,
      teacher.id,
      at,
    ],
  );
  await storage.put(`assets/${id}/original.mp4`, Buffer.from('abcd'), 'video/mp4');
  await storage.put(`assets/${id}/hls/seg-1.m4s`, Buffer.from('abcd'), 'video/iso.segment');
  return id;
}
const filesOf = async (id: string) => (await storage.list(`assets/${id}/`)).length;
const rowExists = async (id: string) =>
  (await t.server.database.pool.query('SELECT 1 FROM content_assets WHERE id = $1', [id])).rowCount === 1;

async function course() {
  const r = await t.api<CourseDetail>('POST', '/api/v1/courses', {
    token: teacher.token,
    body: {
      title: 'Kept tidy',
      subject: 'Film',
      modules: [
        {
          title: 'W1',
          lessons: [
            { title: 'Watch', kind: 'video' },
            { title: 'Read', kind: 'text', body: 'x' },
          ],
        },
      ],
    },
  });
  expect(r.status).toBe(201);
  return r.body;
}

describe('content retention', () => {
  it('removes replaced, failed and orphaned uploads after the grace period, keeps what is used, once', async () => {
    const c = await course();
    const [watch, read] = c.modules[0]!.lessons;
    const old = await asset(c.id, watch!.id);
    const current = await asset(c.id, watch!.id);
    const failed = await asset(c.id, watch!.id, 'video', 'failed');
    const deletedLesson = await asset(c.id, randomUUID(), 'slides');
    const loose = await asset(c.id, null, 'attachment');
    const inBody = await asset(c.id, null, 'attachment');
    const attachment = await asset(c.id, read!.id, 'attachment');
    const processing = await asset(c.id, null, 'video', 'processing');
    // A lesson body names one loose file (an image in a text lesson).
    await t.server.database.pool.query(`UPDATE lessons SET body = $1 WHERE id = $2`, [
      `![pic](/content/assets/${inBody}/original.png)`,
      read!.id,
    ]);
    // A lesson that exists only in the draft (made offline, not published yet) keeps its file.
    const device = new Replica(t, teacher.token);
    const draftLesson = randomUUID();
    device.queue('addLesson', {
      courseId: c.id,
      baseVersion: c.version,
      moduleId: c.modules[0]!.id,
      lesson: {
        id: draftLesson,
        title: 'Draft only',
        kind: 'video',
        durationMinutes: 0,
        isPreview: false,
        required: true,
        dueAt: null,
        body: '',
      },
    });
    expect((await device.push())[0]).toMatchObject({ status: 'applied' });
    const inDraft = await asset(c.id, draftLesson);

    // Grace of an hour: the first sweep notes what is unused and removes nothing.
    let clock = new Date();
    const hourly = contentRetention({
      pool: t.server.database.pool,
      storage,
      logger,
      graceMs: 3_600_000,
      now: () => clock,
    });
    const first = await hourly.run();
    expect(first.removed).toEqual([]);
    expect(first.noted).toBeGreaterThanOrEqual(4);
    // Undone before the grace is over: the loose file is attached to a lesson again and stays.
    await t.server.database.pool.query('UPDATE content_assets SET lesson_id = $1 WHERE id = $2', [
      read!.id,
      loose,
    ]);

    clock = new Date(clock.getTime() + 2 * 3_600_000);
    const second = await hourly.run();
    expect(second.used).toBeGreaterThanOrEqual(1);
    expect(Object.fromEntries(second.removed.map((r) => [r.id, [r.reason, r.files]]))).toEqual({
      [old]: ['replaced', 2],
      [failed]: ['failed', 2],
      [deletedLesson]: ['orphaned', 2],
    });
    for (const id of [old, failed, deletedLesson]) {
      expect(await filesOf(id)).toBe(0);
      expect(await rowExists(id)).toBe(false);
    }
    for (const id of [current, loose, inBody, attachment, processing, inDraft]) {
      expect(await filesOf(id)).toBe(2);
      expect(await rowExists(id)).toBe(true);
    }
    // Idempotent: nothing more to do.
    expect((await hourly.run()).removed).toEqual([]);
  });

  it('with a grace of 0, two nodes sweeping at once remove each unused file exactly once', async () => {
    const c = await course();
    const [watch] = c.modules[0]!.lessons;
    const unused: string[] = [
      await asset(c.id, watch!.id),
      await asset(c.id, null),
      await asset(c.id, randomUUID()),
    ];
    const kept = await asset(c.id, watch!.id);
    const node = () =>
      contentRetention({ pool: t.server.database.pool, storage, logger, graceMs: 0, batchSize: 1 });
    const [a, b] = await Promise.all([node().run(), node().run()]);
    const ids = [...a.removed, ...b.removed].map((r) => r.id).filter((id) => unused.includes(id));
    expect(ids.sort()).toEqual([...unused].sort());
    for (const id of unused) expect(await filesOf(id)).toBe(0);
    expect(await filesOf(kept)).toBe(2);
  });
});
