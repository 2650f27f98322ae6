import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MyEnrollment, Preferences } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { createCourse, enrollDirectly, type CreatedCourse } from '../../../test/factories.ts';
import { Replica } from './test-support.ts';

let t: TestServer;
let course: CreatedCourse;

beforeAll(async () => {
  t = await startTestServer({ DB_POOL_SIZE: '12' });
  const owner = await t.user('instructor');
  course = await createCourse(t.server.database.pool, {
    ownerId: owner.id,
    modules: [[{ title: 'Quiz', quiz: { questions: [{ answer: { type: 'true_false', value: true } }] } }]],
  });
});
afterAll(() => t.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the lost-change race', () => {
  it('never loses a change whose transaction began first but committed after a pulled later one', async () => {
    const pool = t.server.database.pool;
    const s = await t.user('student');
    const r = new Replica(t, s.token);
    await r.sync();
    const slow = await pool.connect();
    const fast = await pool.connect();
    try {
      // T1 writes first (its change row is inserted first) but commits last.
      await slow.query('BEGIN');
      await slow.query(`UPDATE users SET preferences = '{"locale":"fr"}'::jsonb WHERE id = $1`, [s.id]);
      await fast.query('BEGIN');
      await fast.query(
        `INSERT INTO enrollments (id, course_id, user_id, status, source) VALUES ($1, $2, $3, 'active', 'instructor')`,
        [randomUUID(), course.id, s.id],
      );
      await fast.query('COMMIT');
      // The client pulls T2's change and moves its cursor past it while T1 is still open.
      await r.sync();
      expect(r.get<MyEnrollment>('enrollment', course.id)?.status).toBe('active');
      expect(r.get<Preferences>('preferences', s.id)?.locale).toBe('system');
      await slow.query('COMMIT');
    } finally {
      slow.release();
      fast.release();
    }
    await r.sync();
    expect(r.get<Preferences>('preferences', s.id)?.locale).toBe('fr');
    // Insertion order (a bigserial cursor) would have put T1's change before T2's, below the stored cursor: lost.
    const log = await pool.query<{ entity: string; id: number; seq: number }>(
      `SELECT entity, pending_id AS id, seq FROM change_log WHERE scope = $1 AND entity IN ('preferences', 'enrollment') ORDER BY pending_id`,
      [`user:${s.id}`],
    );
    const prefs = log.rows.find((x) => x.entity === 'preferences')!;
    const enr = log.rows.find((x) => x.entity === 'enrollment')!;
    expect(Number(prefs.id)).toBeLessThan(Number(enr.id));
    expect(Number(prefs.seq)).toBeGreaterThan(Number(enr.seq));
  });

  it('delivers every change of many overlapping transactions to a client that pulls all along', async () => {
    const pool = t.server.database.pool;
    const s = await t.user('student');
    await enrollDirectly(pool, course.id, s.id);
    const r = new Replica(t, s.token);
    await r.sync();
    const quiz = course.lesson('Quiz');
    const ids: string[] = [];
    let writing = true;
    // A client that keeps pulling (not waiting for the sequencer) while the writers commit in random order.
    const puller = (async () => {
      while (writing) {
        for (;;) {
          const page = await r.pullPage(7);
          r.apply(page.changes);
          r.cursor = page.cursor;
          if (!page.hasMore) break;
        }
        await sleep(3);
      }
    })();
    const writers = Array.from({ length: 40 }, async (_, i) => {
      const id = randomUUID();
      ids.push(id);
      const c = await pool.connect();
      try {
        await sleep(Math.random() * 20);
        await c.query('BEGIN');
        await c.query(
          `INSERT INTO quiz_attempts (id, user_id, course_id, lesson_id, attempt_no, answers, score, max_score, percent, passed, results, submitted_at, content_hash)
           VALUES ($1, $2, $3, $4, $5, '{}', 0, 1, 0, false, '[]', now(), 'x')`,
          [id, s.id, course.id, quiz.id, i + 1],
        );
        await sleep(Math.random() * 60);
        await c.query('COMMIT');
      } finally {
        c.release();
      }
    });
    await Promise.all(writers);
    await sleep(150);
    writing = false;
    await puller;
    await r.sync();
    expect(r.keys('quiz_attempt').sort()).toEqual([...ids].sort());
  });
});
