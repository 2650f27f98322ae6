import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Announcement } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { createCourse, enrollDirectly } from '../../../test/factories.ts';
import { eventually } from './schedule/test-support.ts';

/**
 * Marking an announcement sent and its fan-out are one transaction: a fan-out that fails (here PostgreSQL refuses the
 * email rows, the fan-out's last write) leaves it scheduled with no inbox row, the scheduler's retry sends it, once.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ SCHEDULER: 'on', SCHEDULER_POLL_MS: '100' });
  await t.server.database.pool.query(`
    CREATE TABLE test_fail_fanout (on_course uuid PRIMARY KEY);
    CREATE FUNCTION test_fail_fanout() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM test_fail_fanout f JOIN notifications n ON n.course_id = f.on_course
                 WHERE n.id = NEW.notification_id) THEN
        RAISE EXCEPTION 'injected fan-out failure';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER test_fail_fanout BEFORE INSERT ON notification_emails
      FOR EACH ROW EXECUTE FUNCTION test_fail_fanout();`);
});
afterAll(() => t.close());

async function state(id: string) {
  const pool = t.server.database.pool;
  const a = await pool.query<{ status: string; sent_at: Date | null }>(
    'SELECT status, sent_at FROM announcements WHERE id = $1',
    [id],
  );
  const n = await pool.query<{ n: number; users: number }>(
    'SELECT count(*)::int AS n, count(DISTINCT user_id)::int AS users FROM notifications WHERE announcement_id = $1',
    [id],
  );
  const e = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM notification_emails e JOIN notifications x ON x.id = e.notification_id
     WHERE x.announcement_id = $1`,
    [id],
  );
  return { status: a.rows[0]!.status, sentAt: a.rows[0]!.sent_at, inbox: n.rows[0]!, emails: e.rows[0]!.n };
}

describe('announcement delivery is one transaction', () => {
  it('a failed fan-out leaves it scheduled and retryable; the retry delivers once, a repeat changes nothing', async () => {
    const pool = t.server.database.pool;
    const teacher = await t.user('instructor');
    const course = await createCourse(pool, { ownerId: teacher.id, status: 'published' });
    const students = await Promise.all([1, 2, 3].map(() => t.user('student')));
    for (const s of students) await enrollDirectly(pool, course.id, s.id);
    await pool.query('INSERT INTO test_fail_fanout VALUES ($1)', [course.id]);

    // Sent now through the API: the fan-out fails inside the transaction that marked it sent.
    const r = await t.api<Announcement>('POST', `/api/v1/courses/${course.id}/announcements`, {
      token: teacher.token,
      body: { title: 'Exam moved', body: 'To **Friday**', email: true },
    });
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('scheduled');
    expect(await state(r.body.id)).toMatchObject({
      status: 'scheduled',
      sentAt: null,
      inbox: { n: 0 },
      emails: 0,
    });
    // A direct try fails the same way and keeps nothing.
    await expect(t.server.notifications.announcements.deliver(r.body.id)).rejects.toThrow(/injected/);
    expect(await state(r.body.id)).toMatchObject({ status: 'scheduled', inbox: { n: 0 }, emails: 0 });
    // The scheduler's job tried and failed too (graphile-worker keeps it with its error, for a retry).
    await eventually(
      async () => {
        const j = await pool.query<{ attempts: number }>(
          `SELECT attempts FROM graphile_worker.jobs WHERE key = $1`,
          [`announcement:${r.body.id}`],
        );
        return (j.rows[0]?.attempts ?? 0) >= 1 ? true : undefined;
      },
      20_000,
      'a failed job attempt',
    );

    // The failure goes away: the job's retry sends it, to each student once.
    await pool.query('DELETE FROM test_fail_fanout');
    await pool.query(`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE key = $1`, [
      `announcement:${r.body.id}`,
    ]);
    const sent = await eventually(
      async () => {
        const s = await state(r.body.id);
        return s.status === 'sent' ? s : undefined;
      },
      30_000,
      'the retried announcement',
    );
    expect(sent.inbox).toEqual({ n: 3, users: 3 });
    expect(sent.emails).toBe(3);

    // Another try (a duplicate job, a second node): nothing more.
    expect(await t.server.notifications.announcements.deliver(r.body.id)).toBe(false);
    expect(await t.server.notifications.announcements.sendDue()).toBe(0);
    expect(await state(r.body.id)).toMatchObject({ status: 'sent', inbox: { n: 3, users: 3 }, emails: 3 });
  }, 60_000);
});
