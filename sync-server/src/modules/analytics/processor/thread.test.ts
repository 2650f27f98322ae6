import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LYCEUM_ACCOUNT_HOME, VERBS, activityIri, type PlatformOverview } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../../test/harness.ts';

/** ANALYTICS_PROCESSOR=thread (the server's default): the processor in a worker thread of the server. */
describe('analytics processor in a worker thread', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ ANALYTICS_PROCESSOR: 'thread' });
  });
  afterAll(() => t.close());

  it('aggregates uploaded events, reports each batch to /metrics and the stats, and stops with the server', async () => {
    const admin = await t.user('admin');
    const student = await t.user('student');
    const course = randomUUID();
    const lessons = Array.from({ length: 5 }, () => randomUUID());
    const statements = lessons.map((lessonId, i) => ({
      id: randomUUID(),
      actor: { account: { homePage: LYCEUM_ACCOUNT_HOME, name: student.id } },
      verb: { id: VERBS.completed },
      object: { id: activityIri.lesson(course, lessonId) },
      result: { completion: true },
      context: { contextActivities: { parent: [{ id: activityIri.course(course) }] } },
      timestamp: new Date(Date.now() - (10 - i) * 60_000).toISOString(),
    }));
    const up = await t.api('POST', '/api/v1/analytics/events', {
      token: student.token,
      body: { deviceId: 'd1', sentAt: new Date().toISOString(), statements },
    });
    expect(up.status).toBe(200);
    const overview = async () =>
      (
        await t.api<PlatformOverview>('GET', `/api/v1/analytics/overview?courseId=${course}&last=30d`, {
          token: admin.token,
        })
      ).body.totals;
    await expect.poll(async () => (await overview()).lessonCompletions, { timeout: 15_000 }).toBe(5);
    // The thread's batches reach this thread's stats and /metrics.
    expect(t.server.analytics.processorStats()).toMatchObject({ inserted: 5, failures: 0 });
    expect(t.server.analytics.processor.stats().inserted).toBe(0); // nothing ran on the server's own thread
    const metrics = await t.api<string>('GET', '/metrics');
    expect(
      String(metrics.body)
        .split('\n')
        .filter((l) => l.startsWith('lyceum_events_processed_total')),
    ).toEqual(['lyceum_events_processed_total{service="sync-server"} 5']);
    // A replay changes nothing, through the thread as well.
    await t.server.analytics.stream.publish(
      'lyceum.learning-events',
      (
        await t.server.database.pool.query<{ payload: never }>(
          'SELECT payload::json AS payload FROM analytics.stream_events',
        )
      ).rows.map((r) => r.payload),
    );
    await expect.poll(() => t.server.analytics.processorStats().duplicates, { timeout: 15_000 }).toBe(5);
    expect((await overview()).lessonCompletions).toBe(5);
  });
});
