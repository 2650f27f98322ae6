import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import {
  LYCEUM_ACCOUNT_HOME,
  VERBS,
  activityIri,
  type LessonInsight,
  type PlatformOverview,
} from '@lyceum/contracts';
import { PROCESSOR_GROUP } from '../../analytics/index.ts';
import { TOPICS } from '../../analytics/stream/port.ts';
import { startLrsTest, statement, voiding, type LrsTest } from '../test-support.ts';

/**
 * xAPI 1.0.3 Data 2.3.2 (Voided) and Communication 2.1.3 (voidedStatementId), and analytics following a voiding:
 * the voided statement's contribution leaves every figure, idempotently and replay-safely.
 */
let l: LrsTest;
let admin: { token: string };
const S = '/xapi/statements';
beforeAll(async () => {
  l = await startLrsTest();
  admin = await l.t.user('admin');
});
afterAll(() => l.close());

describe('Data 2.3.2 voiding', () => {
  it('a voided statement is fetched only by voidedStatementId and leaves queries; its voiding statement stays', async () => {
    const target = statement({ object: { id: `http://example.org/void/${randomUUID()}` } });
    await l.x('POST', S, { body: target });
    const v = voiding(String(target.id));
    expect((await l.x('POST', S, { body: v })).status).toBe(200);
    expect((await l.x('GET', `${S}?statementId=${String(target.id)}`)).status).toBe(404);
    const got = await l.x('GET', `${S}?voidedStatementId=${String(target.id)}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: target.id });
    expect((await l.x('GET', `${S}?voidedStatementId=${String(v.id)}`)).status).toBe(404);
    const page = await l.x<{ statements: { id: string }[] }>('GET', `${S}?limit=50`);
    const ids = page.body.statements.map((s) => s.id);
    expect(ids).toContain(v.id);
    expect(ids).not.toContain(target.id);
  });

  it('a voiding statement cannot be voided (400); its object must be a StatementRef (400)', async () => {
    const target = statement();
    const v = voiding(String(target.id));
    await l.x('POST', S, { body: [target, v] });
    const again = await l.x('POST', S, { body: voiding(String(v.id)) });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ error: { code: 'validation_failed' } });
    expect((await l.x('GET', `${S}?statementId=${String(v.id)}`)).status).toBe(200);
    const notRef = statement({ verb: { id: 'http://adlnet.gov/expapi/verbs/voided' } });
    expect((await l.x('POST', S, { body: notRef })).status).toBe(400);
  });

  it('a voiding statement whose target is not stored is accepted (the LRS should not refuse it)', async () => {
    expect((await l.x('POST', S, { body: voiding(randomUUID()) })).status).toBe(200);
  });

  it('a voiding statement that arrives before its target voids the target when it comes', async () => {
    const target = statement({ object: { id: `http://example.org/void-first/${randomUUID()}` } });
    const v = voiding(String(target.id));
    expect((await l.x('POST', S, { body: v })).status).toBe(200);
    expect((await l.x('POST', S, { body: target })).status).toBe(200);
    expect((await l.x('GET', `${S}?statementId=${String(target.id)}`)).status).toBe(404);
    const got = await l.x('GET', `${S}?voidedStatementId=${String(target.id)}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: target.id });
    const page = await l.x<{ statements: { id: string }[] }>(
      'GET',
      `${S}?activity=${encodeURIComponent(String((target.object as { id: string }).id))}`,
    );
    // The target is left out; the voiding statement that refers to it is kept (Communication 2.1.3).
    expect(page.body.statements.map((s) => s.id)).toEqual([v.id]);
  });

  it('statementId and voidedStatementId take only format and attachments beside them', async () => {
    const r = await l.x('GET', `${S}?voidedStatementId=${randomUUID()}&verb=http://x.org/v`);
    expect(r.status).toBe(400);
  });
});

describe('Analytics follows voiding', () => {
  const course = randomUUID();
  const lesson = randomUUID();
  const q = `courseId=${course}&last=30d`;
  const figures = async () => {
    await expect
      .poll(() => l.t.server.analytics.stream.lag(TOPICS.learning, PROCESSOR_GROUP), { timeout: 15_000 })
      .toBe(0);
    const lessons = await l.t.api<LessonInsight[]>('GET', `/api/v1/analytics/lessons?${q}`, {
      token: admin.token,
    });
    const overview = await l.t.api<PlatformOverview>('GET', `/api/v1/analytics/overview?${q}`, {
      token: admin.token,
    });
    return {
      completed: lessons.body.find((x) => x.lessonId === lesson)?.completed ?? 0,
      totals: overview.body.totals,
    };
  };
  const completed = (learner: string) =>
    statement({
      actor: { account: { homePage: LYCEUM_ACCOUNT_HOME, name: learner } },
      verb: { id: VERBS.completed },
      object: { id: activityIri.lesson(course, lesson) },
      result: { completion: true },
      context: { contextActivities: { parent: [{ id: activityIri.course(course) }] } },
      timestamp: new Date().toISOString(),
    });

  it('removes the voided statement from every figure; a second voiding and a replay change nothing', async () => {
    const before = await figures();
    const [a, b] = [completed(randomUUID()), completed(randomUUID())];
    expect((await l.x('POST', S, { body: [a, b] })).status).toBe(200);
    await expect
      .poll(async () => (await figures()).completed, { timeout: 15_000 })
      .toBe(before.completed + 2);
    const withBoth = await figures();

    expect((await l.x('POST', S, { body: voiding(String(b.id)) })).status).toBe(200);
    const after = await figures();
    expect(after.completed).toBe(before.completed + 1);
    expect(after.totals).not.toEqual(withBoth.totals);

    // Idempotent: the same voiding again (same id, same content) and a replay of the whole stream change nothing.
    await l.t.server.analytics.voiding.correct([String(b.id)]);
    await l.t.server.analytics.processor.handleBatch(
      (
        await l.t.server.database.pool.query<{ payload: never }>(
          'SELECT payload::json AS payload FROM analytics.stream_events',
        )
      ).rows.map((r) => r.payload),
    );
    expect(await figures()).toEqual(after);

    // A voiding statement before its target: the target, when it comes, is never counted.
    const c = completed(randomUUID());
    expect((await l.x('POST', S, { body: voiding(String(c.id)) })).status).toBe(200);
    expect((await l.x('POST', S, { body: c })).status).toBe(200);
    const d2 = completed(randomUUID());
    expect((await l.x('POST', S, { body: d2 })).status).toBe(200);
    // d2 is counted (so the pipeline has caught up past c); c never is.
    await expect.poll(async () => (await figures()).completed, { timeout: 15_000 }).toBe(after.completed + 1);
  }, 60_000);
});
