import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { enrollDirectly, instructorCourse } from '../../../test/factories.ts';
import { fanOut } from './fanout.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

describe('fanOut (one INSERT … SELECT)', () => {
  it('writes one inbox row per enrolled student, once per dedupe key, skipping muted courses', async () => {
    const pool = t.server.database.pool;
    const course = await instructorCourse(t, { status: 'published' });
    const students = await Promise.all([1, 2, 3].map(() => t.user('student')));
    const dropped = await t.user('student');
    for (const s of students) await enrollDirectly(pool, course.id, s.id);
    await enrollDirectly(pool, course.id, dropped.id, { status: 'dropped' });
    await pool.query(`INSERT INTO notification_settings (user_id, settings) VALUES ($1, $2)`, [
      students[2]!.id,
      JSON.stringify({ mutedCourses: [course.id] }),
    ]);
    const draft = {
      type: 'announcement' as const,
      courseId: course.id,
      title: 'Hello',
      body: 'World',
      dedupeKey: 'announcement:test-1',
    };
    const first = await fanOut(pool, { courseStudents: course.id }, draft);
    expect(first.created).toBe(2);
    expect(first.immediateEmails).toBe(2);
    expect(first.userIds.sort()).toEqual([students[0]!.id, students[1]!.id].sort());
    const again = await fanOut(pool, { courseStudents: course.id }, draft);
    expect(again).toMatchObject({ created: 0, emails: 0 });
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM change_pending WHERE entity = 'notification'`,
    );
    expect(rows[0].n).toBeGreaterThanOrEqual(2);
  });

  it('replaces {userId} in a per-user dedupe key and reports the single row id', async () => {
    const s = await t.user('student');
    const r = await fanOut(
      t.server.database.pool,
      { userId: s.id },
      {
        type: 'deadline_upcoming',
        title: 'Due soon',
        body: 'Quiz 1 is due in 24 hours',
        dedupeKey: 'deadline:l1:{userId}:24h',
      },
    );
    expect(r.ids).toHaveLength(1);
    const { rows } = await t.server.database.pool.query(
      'SELECT dedupe_key FROM notifications WHERE id = $1',
      [r.ids[0]],
    );
    expect(rows[0].dedupe_key).toBe(`deadline:l1:${s.id}:24h`);
  });

  it("computes the end of quiet hours in the user's time zone, windows over midnight included", async () => {
    const settings = JSON.stringify({
      timezone: 'Europe/Paris',
      quietHours: { start: '22:00', end: '07:00' },
    });
    const at = async (iso: string) =>
      (
        await t.server.database.pool.query<{ until: Date }>(
          'SELECT notification_quiet_until($1::jsonb, $2::timestamptz) AS until',
          [settings, iso],
        )
      ).rows[0]!.until.toISOString();
    // 23:30 in Paris (UTC+1 in January): until 07:00 the next morning.
    expect(await at('2026-01-10T22:30:00Z')).toBe('2026-01-11T06:00:00.000Z');
    // 06:00 in Paris: until 07:00 the same morning.
    expect(await at('2026-01-11T05:00:00Z')).toBe('2026-01-11T06:00:00.000Z');
    // 13:00 in Paris: not quiet.
    expect(await at('2026-01-11T12:00:00Z')).toBe('2026-01-11T12:00:00.000Z');
  });
});
