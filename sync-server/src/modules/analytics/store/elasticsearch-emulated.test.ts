import { describe, expect, it } from 'vitest';
import { createProcessor } from '../processor/index.ts';
import { ALL, scenario } from '../processor/test-scenario.ts';
import { createElasticsearchStore } from './elasticsearch.ts';
import type { SessionDoc } from './es-docs.ts';
import { emulatedElasticsearch, type EmulatorFaults } from './es-emulator.ts';
import { storeContract } from './store.contract.ts';

/**
 * The Elasticsearch adapter's own logic (how it splits each figure into aggregations and lookups, pages composite
 * aggregations, orders its writes) through the whole store contract, against an IN-MEMORY EMULATION of the query
 * subset it uses (store/es-emulator.ts) — not Elasticsearch. The run against a real cluster is in
 * store.contract.test.ts (ELASTICSEARCH_URL).
 */
storeContract('elasticsearch adapter on the in-memory emulation (not a real cluster)', async () => ({
  async fresh() {
    return createElasticsearchStore({ client: emulatedElasticsearch().client });
  },
  async close() {},
}));

describe('elasticsearch adapter on the in-memory emulation: a batch that failed half-way', () => {
  const NOW = new Date('2026-03-05T00:00:00.000Z');
  async function run(faults: EmulatorFaults, redeliver: boolean) {
    const es = emulatedElasticsearch(faults);
    const store = createElasticsearchStore({ client: es.client });
    const p = createProcessor({ store });
    for (let i = 0, events = scenario(); i < events.length; i += 9) {
      const batch = events.slice(i, i + 9);
      try {
        await p.handleBatch(batch);
      } catch (err) {
        if (!redeliver) throw err;
        await p.handleBatch(batch); // the stream delivers it again
      }
    }
    const sessions = [...es.indices.get('lyceum-analytics-sessions')!.values()]
      .map((d) => d.source as unknown as SessionDoc)
      .map((s) => [s.kind, s.actor, s.lesson_id, s.started_at, s.ended_at, s.events])
      .sort();
    const figures = {
      overview: await store.overview(ALL, NOW),
      lessons: await store.lessons(ALL),
      students: await Promise.all(['s1', 's2', 's3'].map((a) => store.student(a, ALL, { now: NOW }))),
      daily: await store.daily(ALL),
    };
    return { sessions, figures, failures: p.stats().failures };
  }

  it('comes out as if nothing had failed when delivered again (sessions recounted, active time rewritten)', async () => {
    const clean = await run({}, false);
    // Every other fact of each batch fails to be created once: sessions and active time were written already.
    const failed = new Set<string>();
    let n = 0;
    const faulty = await run(
      {
        failCreate: (id) => {
          n += 1;
          if (failed.has(id) || n % 2) return false;
          failed.add(id);
          return true;
        },
      },
      true,
    );
    expect(failed.size).toBeGreaterThan(3);
    expect(faulty.failures).toBeGreaterThan(0);
    expect(faulty.sessions).toEqual(clean.sessions);
    expect(faulty.figures).toEqual(clean.figures);
  });
});
