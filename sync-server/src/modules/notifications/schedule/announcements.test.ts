import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Announcement } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../../test/harness.ts';
import { fanOut } from '../fanout.ts';
import { eventually, inboxRows, publishedCourse } from './test-support.ts';

/** Scheduled announcements and the hourly digest run through the scheduler's jobs into the notifications module. */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ SCHEDULER: 'on', SCHEDULER_POLL_MS: '100' });
});
afterAll(() => t.close());

async function courseWithStudents(n: number) {
  const teacher = await t.user('instructor');
  const course = await publishedCourse(t.api, teacher.token, [{ title: 'Intro' }]);
  const students = [];
  for (let i = 0; i < n; i++) {
    const s = await t.user('student');
    expect((await t.api('POST', `/api/v1/courses/${course.id}/enrollment`, { token: s.token })).status).toBe(
      201,
    );
    students.push(s);
  }
  return { teacher, course, students };
}

describe('scheduled announcements', () => {
  it('are sent at sendAt (not before), once, to the course’s students', async () => {
    const { teacher, course, students } = await courseWithStudents(2);
    const sendAt = new Date(Date.now() + 2000);
    const r = await t.api<Announcement>('POST', `/api/v1/courses/${course.id}/announcements`, {
      token: teacher.token,
      body: { title: 'Office hours', body: 'Thursday **3 pm**', sendAt: sendAt.toISOString() },
    });
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('scheduled');
    const key = `announcement:${r.body.id}`;
    expect(await inboxRows(t.server.database.pool, key)).toEqual([]);
    const rows = await eventually(
      async () => {
        const x = await inboxRows(t.server.database.pool, key);
        return x.length === 2 ? x : undefined;
      },
      20_000,
      'the announcement',
    );
    expect(Date.now()).toBeGreaterThanOrEqual(sendAt.getTime());
    expect(rows.map((x) => x.user_id).sort()).toEqual(students.map((s) => s.id).sort());
    const status = await t.server.database.pool.query<{ status: string }>(
      'SELECT status FROM announcements WHERE id = $1',
      [r.body.id],
    );
    expect(status.rows[0]!.status).toBe('sent');
  });

  it('one that came due while the scheduler was stopped is sent when it starts again', async () => {
    const { teacher, course, students } = await courseWithStudents(1);
    await t.server.schedule.stop();
    try {
      const r = await t.api<Announcement>('POST', `/api/v1/courses/${course.id}/announcements`, {
        token: teacher.token,
        body: { title: 'Moved room', body: 'Room 12', sendAt: new Date(Date.now() + 500).toISOString() },
      });
      expect(r.status).toBe(201);
      await new Promise((res) => setTimeout(res, 1000));
      expect(await inboxRows(t.server.database.pool, `announcement:${r.body.id}`)).toEqual([]);
      await t.server.schedule.start();
      const rows = await eventually(
        async () => {
          const x = await inboxRows(t.server.database.pool, `announcement:${r.body.id}`);
          return x.length ? x : undefined;
        },
        20_000,
        'the late announcement',
      );
      expect(rows.map((x) => x.user_id)).toEqual([students[0]!.id]);
    } finally {
      await t.server.schedule.start();
    }
  });
});

describe('digests', () => {
  it('the hourly digest job sends the daily digest of users whose local digest hour it is', async () => {
    const s = await t.user('student');
    // content_released goes to the daily digest by default.
    await fanOut(
      t.server.database.pool,
      { userId: s.id },
      {
        type: 'content_released',
        title: 'New lesson: Loops',
        body: 'Loops is out',
        dedupeKey: 'digest-test',
      },
    );
    const pending = await t.server.database.pool.query<{ mode: string; status: string }>(
      'SELECT mode, status FROM notification_emails WHERE user_id = $1',
      [s.id],
    );
    expect(pending.rows).toEqual([{ mode: 'daily', status: 'pending' }]);
    // The job cron adds at 08:00 UTC (a UTC user's digest hour), as after a backfill.
    const at = new Date();
    at.setUTCHours(8, 0, 0, 0);
    await t.server.database.pool.query(
      `SELECT graphile_worker.add_job('digest', json_build_object('_cron', json_build_object('ts', $1::text, 'backfilled', true)))`,
      [at.toISOString()],
    );
    await eventually(
      async () => {
        const r = await t.server.database.pool.query<{ status: string }>(
          'SELECT status FROM notification_emails WHERE user_id = $1',
          [s.id],
        );
        return r.rows[0]?.status === 'sent' ? true : undefined;
      },
      20_000,
      'the digest',
    );
    expect(t.mail.filter((m) => m.to === s.email)).toHaveLength(1);
  });
});
