import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LYCEUM_ACCOUNT_HOME, VERBS, activityIri, type CourseDetail } from '@lyceum/contracts';
import { createCourse } from '../../../../../test/factories.ts';
import { newId } from '../../../../lib/ids.ts';
import { sampleCourse } from '../../../catalog/fixtures.ts';
import { TOPICS } from '../../stream/port.ts';
import { platformEvents, recordPlatformEvent } from './outbox.ts';
import { relayOnce, startOutboxRelay } from './outbox-relay.ts';
import { silent, spyIngest, startSourcesTest, until, type SourcesTest } from './test-support.ts';

let s: SourcesTest;
beforeAll(async () => {
  s = await startSourcesTest();
});
afterAll(() => s.close());

const pool = () => s.t.server.database.pool;
interface OutboxRow {
  id: string;
  statement: {
    actor: { account: { homePage: string; name: string } };
    verb: { id: string };
    object: { id: string };
    result?: { score?: { raw: number }; completion?: boolean };
  };
  published_at: Date | null;
  attempts: number;
  last_error: string | null;
}
const outboxOf = async (userId: string) =>
  (
    await pool().query<OutboxRow>(
      `SELECT * FROM event_outbox WHERE statement->'actor'->'account'->>'name' = $1 ORDER BY created_at, id`,
      [userId],
    )
  ).rows;
const unpublished = async () =>
  Number((await pool().query('SELECT count(*) AS n FROM event_outbox WHERE published_at IS NULL')).rows[0].n);

describe('platform events are written to the outbox in the business transaction', () => {
  it('publishing, enrolling, rating and completing a course each leave one statement, which the relay delivers', async () => {
    const teacher = await s.t.user('instructor');
    const student = await s.t.user('student');
    const created = await s.t.api<CourseDetail>('POST', '/api/v1/courses', {
      token: teacher.token,
      body: sampleCourse(),
    });
    expect(created.status).toBe(201);
    const courseId = created.body.id;
    expect(await outboxOf(teacher.id)).toEqual([]); // a draft is no platform event
    expect(
      (await s.t.api('POST', `/api/v1/courses/${courseId}/publish`, { token: teacher.token })).status,
    ).toBe(200);
    const [published] = await outboxOf(teacher.id);
    expect(published?.statement).toMatchObject({
      actor: { account: { homePage: LYCEUM_ACCOUNT_HOME, name: teacher.id } },
      verb: { id: VERBS.published },
      object: { id: activityIri.course(courseId) },
    });

    expect(
      (await s.t.api('POST', `/api/v1/courses/${courseId}/enrollment`, { token: student.token })).status,
    ).toBe(201);
    const rated = await s.t.api('POST', `/api/v1/courses/${courseId}/ratings`, {
      token: student.token,
      body: { stars: 4 },
    });
    expect(rated.status).toBe(201);
    // The server decides completion: a one-lesson course, the lesson completed through the progress API.
    const small = await createCourse(pool(), {
      ownerId: teacher.id,
      modules: [[{ title: 'Only', kind: 'text' }]],
    });
    expect(
      (await s.t.api('POST', `/api/v1/courses/${small.id}/enrollment`, { token: student.token })).status,
    ).toBe(201);
    const progress = await s.t.api('POST', '/api/v1/progress', {
      token: student.token,
      body: {
        id: newId(),
        courseId: small.id,
        lessonId: small.lessons[0]!.id,
        completed: true,
        occurredAt: new Date().toISOString(),
      },
    });
    expect(progress.status).toBe(201);

    const rows = await outboxOf(student.id);
    expect(rows.map((r) => [r.statement.verb.id, r.statement.object.id])).toEqual([
      [VERBS.enrolled, activityIri.course(courseId)],
      [VERBS.rated, activityIri.course(courseId)],
      [VERBS.enrolled, activityIri.course(small.id)],
      // The lesson's completion recorded over HTTP (progress/platform-statements.ts), then the course's.
      [VERBS.completed, activityIri.lesson(small.id, small.lessons[0]!.id)],
      [VERBS.completed, activityIri.course(small.id)],
    ]);
    expect(rows[1]!.statement.result?.score?.raw).toBe(4);
    expect(rows[4]!.statement.result?.completion).toBe(true);
    expect(rows.every((r) => r.published_at === null && r.attempts === 0)).toBe(true);

    const spy = spyIngest(s.collector.ingest);
    expect(await relayOnce(pool(), spy.ingest)).toBeGreaterThanOrEqual(5);
    const events = s.stream.events(TOPICS.learning).filter((e) => e.actor === student.id);
    expect(events.map((e) => [e.verb, e.source, e.courseId, e.scoreRaw])).toEqual([
      ['enrolled', 'outbox', courseId, null],
      ['rated', 'outbox', courseId, 4],
      ['enrolled', 'outbox', small.id, null],
      ['completed', 'outbox', small.id, null],
      ['completed', 'outbox', small.id, null],
    ]);
    expect(events.map((e) => e.id)).toEqual(rows.map((r) => r.id));
    const after = await outboxOf(student.id);
    expect(after.every((r) => r.published_at !== null && r.attempts === 1 && r.last_error === null)).toBe(
      true,
    );
  });

  it('a business transaction that fails leaves no outbox row, and a failed outbox write undoes the change', async () => {
    const teacher = await s.t.user('instructor');
    const course = await createCourse(pool(), { ownerId: teacher.id });
    const doomed = await s.t.user('student');
    // Fails the enrollment at COMMIT, after the outbox row was written in the same transaction.
    await pool().query(`
      CREATE FUNCTION test_refuse_enrollment() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused by test'; END $$;
      CREATE CONSTRAINT TRIGGER test_refuse_enrollment AFTER INSERT ON enrollments DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW WHEN (NEW.user_id = '${doomed.id}') EXECUTE FUNCTION test_refuse_enrollment();`);
    try {
      const res = await s.t.api('POST', `/api/v1/courses/${course.id}/enrollment`, { token: doomed.token });
      expect(res.status).toBe(500);
    } finally {
      await pool().query(
        'DROP TRIGGER test_refuse_enrollment ON enrollments; DROP FUNCTION test_refuse_enrollment();',
      );
    }
    expect(await outboxOf(doomed.id)).toEqual([]);
    expect((await pool().query('SELECT 1 FROM enrollments WHERE user_id = $1', [doomed.id])).rowCount).toBe(
      0,
    );

    // The other way round: the outbox insert fails → the rating is not kept either.
    const rater = await s.t.user('student');
    expect(
      (await s.t.api('POST', `/api/v1/courses/${course.id}/enrollment`, { token: rater.token })).status,
    ).toBe(201);
    await pool().query(`
      CREATE FUNCTION test_refuse_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'outbox refused by test'; END $$;
      CREATE TRIGGER test_refuse_outbox BEFORE INSERT ON event_outbox
        FOR EACH ROW WHEN (NEW.statement->'verb'->>'id' = '${VERBS.rated}') EXECUTE FUNCTION test_refuse_outbox();`);
    try {
      const res = await s.t.api('POST', `/api/v1/courses/${course.id}/ratings`, {
        token: rater.token,
        body: { stars: 2 },
      });
      expect(res.status).toBe(500);
    } finally {
      await pool().query(
        'DROP TRIGGER test_refuse_outbox ON event_outbox; DROP FUNCTION test_refuse_outbox();',
      );
    }
    expect((await pool().query('SELECT 1 FROM course_ratings WHERE user_id = $1', [rater.id])).rowCount).toBe(
      0,
    );
    expect((await outboxOf(rater.id)).map((r) => r.statement.verb.id)).toEqual([VERBS.enrolled]);
  });
});

describe('the outbox relay', () => {
  /** n platform events of fresh actors, written in transactions of 10. */
  async function writeEvents(n: number): Promise<string[]> {
    const ids: string[] = [];
    const client = await pool().connect();
    try {
      for (let i = 0; i < n; i += 10) {
        await client.query('BEGIN');
        for (let j = i; j < Math.min(n, i + 10); j++)
          ids.push(await recordPlatformEvent(client, platformEvents.enrolled(newId(), newId())));
        await client.query('COMMIT');
      }
    } finally {
      client.release();
    }
    return ids;
  }

  it('delivers each row once with two relays running, woken by NOTIFY (no polling)', async () => {
    await relayOnce(pool(), s.collector.ingest); // earlier tests' rows out of the way
    const a = spyIngest(s.collector.ingest, { delayMs: 10 });
    const b = spyIngest(s.collector.ingest, { delayMs: 10 });
    const opts = { batchSize: 10, pollMs: 600_000 };
    const relayA = startOutboxRelay({ pool: pool(), ingest: a.ingest, logger: silent }, opts);
    const relayB = startOutboxRelay({ pool: pool(), ingest: b.ingest, logger: silent }, opts);
    try {
      await new Promise((r) => setTimeout(r, 300)); // both idle, LISTENing
      const ids = await writeEvents(200);
      await until(async () => (await unpublished()) === 0, 15_000);
      const fromA = a.ids();
      const fromB = b.ids();
      expect(fromA.length).toBeGreaterThan(0);
      expect(fromB.length).toBeGreaterThan(0);
      expect(fromA.filter((id) => fromB.includes(id))).toEqual([]);
      expect([...fromA, ...fromB].sort()).toEqual([...ids].sort());
      const published = s.publishedIds();
      for (const id of ids) expect(published.filter((p) => p === id)).toHaveLength(1);
      const attempts = await pool().query<{ attempts: number }>(
        'SELECT DISTINCT attempts FROM event_outbox WHERE id = ANY($1::uuid[])',
        [ids],
      );
      expect(attempts.rows).toEqual([{ attempts: 1 }]);
    } finally {
      await Promise.all([relayA.stop(), relayB.stop()]);
    }
  });

  it('keeps rows until the collector took them, and a repeat after a crash is counted once', async () => {
    const [id] = await writeEvents(1);
    const spy = spyIngest(s.collector.ingest);
    spy.failNext();
    await expect(relayOnce(pool(), spy.ingest)).rejects.toThrow('collector unavailable');
    const [row] = (await pool().query<OutboxRow>('SELECT * FROM event_outbox WHERE id = $1', [id])).rows;
    expect(row).toMatchObject({ published_at: null, attempts: 1, last_error: 'collector unavailable' });
    expect(s.publishedIds()).not.toContain(id);

    // The collector takes the batch, then the relay dies before marking it published.
    const crashing = spyIngest(async (items, meta) => {
      await s.collector.ingest(items, meta);
      throw new Error('crash after ingest');
    });
    await expect(relayOnce(pool(), crashing.ingest)).rejects.toThrow('crash after ingest');
    expect(s.publishedIds().filter((p) => p === id)).toHaveLength(1);

    expect(await relayOnce(pool(), spy.ingest)).toBe(1);
    expect(s.publishedIds().filter((p) => p === id)).toHaveLength(1);
    const [done] = (await pool().query<OutboxRow>('SELECT * FROM event_outbox WHERE id = $1', [id])).rows;
    expect(done).toMatchObject({ attempts: 3, last_error: null });
    expect(done!.published_at).not.toBeNull();
  });

  it('dead-letters a statement the collector refuses, and marks it delivered with the reason', async () => {
    const id = newId();
    await pool().query(`INSERT INTO event_outbox (id, statement) VALUES ($1, $2::jsonb)`, [
      id,
      JSON.stringify({
        id,
        actor: {},
        verb: { id: VERBS.enrolled },
        object: { id: activityIri.course(newId()) },
      }),
    ]);
    expect(await relayOnce(pool(), s.collector.ingest)).toBe(1);
    const [row] = (await pool().query<OutboxRow>('SELECT * FROM event_outbox WHERE id = $1', [id])).rows;
    expect(row!.published_at).not.toBeNull();
    expect(row!.last_error).toMatch(/^rejected: actor/);
    const dead = (await s.deadLetters('outbox')).filter((d) => (d.payload as { id?: string }).id === id);
    expect(dead).toHaveLength(1);
    expect(dead[0]!.reason).toMatch(/identifier/);
  });
});
