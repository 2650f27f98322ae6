import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseDetail } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { addJob } from '../notifications/schedule/index.ts';

/** The retention sweep as the server runs it: a job on its scheduler, with the grace from the settings (0 here). */
let t: TestServer;

beforeAll(async () => {
  process.env.CONTENT_RETENTION_GRACE_HOURS = '0';
  t = await startTestServer({ SCHEDULER: 'on', SCHEDULER_POLL_MS: '100' });
});
afterAll(async () => {
  delete process.env.CONTENT_RETENTION_GRACE_HOURS;
  await t.close();
});

const poll = async (check: () => Promise<boolean>, ms = 20_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
};

describe('content retention on the scheduler', () => {
  it('the content_retention job removes an orphaned upload from the server storage', async () => {
    const teacher = await t.user('instructor', 'Sid Scheduler');
    const c = (
      await t.api<CourseDetail>('POST', '/api/v1/courses', {
        token: teacher.token,
        body: { title: 'Swept', subject: 'Film' },
      })
    ).body;
    const storage = t.server.content.storage;
    const orphan = randomUUID();
    await t.server.database.pool.query(
      `INSERT INTO content_assets (id, course_id, lesson_id, kind, original_name, size, sha256, status, storage_key, created_by)
       VALUES ($1, $2, $3, 'video', 'old.mp4', 4, repeat('a', 64), 'ready', $4, $5)`,
      [orphan, c.id, randomUUID(), `assets/${orphan}/original.mp4`, teacher.id],
    );
    await storage.put(`assets/${orphan}/original.mp4`, Buffer.from('abcd'), 'video/mp4');
    expect(await storage.list(`assets/${orphan}/`)).toHaveLength(1);

    // The hourly tick, now (the job the crontab adds).
    await addJob(t.server.database.db, { task: 'content_retention', payload: {}, maxAttempts: 1 });
    // Its files go first, then its row (in the same transaction): done when the row is gone.
    const rowGone = async () =>
      (await t.server.database.pool.query('SELECT 1 FROM content_assets WHERE id = $1', [orphan]))
        .rowCount === 0;
    expect(await poll(rowGone)).toBe(true);
    expect(await storage.list(`assets/${orphan}/`)).toEqual([]);
  });
});
