import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS, activityIri } from '@lyceum/contracts';
import { newId } from '../../../lib/ids.ts';
import { TOPICS } from '../stream/port.ts';
import { COURSE, startCollectorTest, videoStatement, type CollectorTest } from './test-support.ts';

let c: CollectorTest;
beforeAll(async () => {
  c = await startCollectorTest();
});
afterAll(() => c.close());

const TOTAL = 20_000;
const BATCH = 1_000;

describe('ingest rate', () => {
  it(`ingests ${TOTAL} statements in batches of ${BATCH}, each published and recorded once`, async () => {
    const users = Array.from({ length: 200 }, () => newId());
    const verbs = [VERBS.played, VERBS.paused, VERBS.completed, VERBS.answered];
    const batches = Array.from({ length: TOTAL / BATCH }, (_, b) =>
      Array.from({ length: BATCH }, (_, i) => {
        const n = b * BATCH + i;
        return videoStatement(
          users[n % users.length]!,
          {
            verb: { id: verbs[n % verbs.length]! },
            object: { id: activityIri.lesson(COURSE, `lesson-${n % 50}`) },
          },
          n,
        );
      }),
    );
    // warm up (JIT, prepared plans) on a batch that is not counted
    await c.collector.ingest(
      Array.from({ length: 200 }, (_, n) => videoStatement(users[0]!, {}, n)),
      { source: 'file', origin: 'warm-up' },
    );
    const before = c.stream.events(TOPICS.learning).length;
    // 4 uploads in flight at a time, as the HTTP server sees them: validation of one overlaps another's SQL
    const t0 = performance.now();
    let accepted = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < batches.length) {
          const batch = batches[next++]!;
          const r = await c.collector.ingest(batch, { source: 'file', origin: 'rate' });
          accepted += r.accepted;
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const rate = Math.round(TOTAL / seconds);
    console.log(
      `collector ingest: ${TOTAL} statements in ${seconds.toFixed(2)} s = ${rate} statements/s (batches of ${BATCH}, 4 in flight)`,
    );
    expect(accepted).toBe(TOTAL);
    expect(c.stream.events(TOPICS.learning).length - before).toBe(TOTAL);
    const { rows } = await c.t.server.database.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM analytics.statements WHERE source = 'file' AND id = ANY($1::uuid[])",
      [batches.flat().map((s) => s.id)],
    );
    expect(rows[0]!.n).toBe(TOTAL);
    // a replay is all duplicates
    let dup = 0;
    for (const batch of batches.slice(0, 2))
      dup += (await c.collector.ingest(batch, { source: 'file', origin: 'rate' })).duplicates;
    expect(dup).toBe(2 * BATCH);
    // a floor far below the target, so a loaded shared machine does not fail the suite; the rate is printed above
    expect(rate).toBeGreaterThan(2_000);
  }, 120_000);
});
