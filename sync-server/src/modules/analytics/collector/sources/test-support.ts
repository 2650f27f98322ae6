import { pino } from 'pino';
import { startTestServer, type TestServer } from '../../../../../test/harness.ts';
import { TOPICS } from '../../stream/port.ts';
import { createCollectorModule, type CollectorModule } from '../index.ts';
import type { Ingest } from '../port.ts';
import { memoryStream } from '../test-stream.ts';

export interface SourcesTest {
  t: TestServer;
  collector: CollectorModule;
  stream: ReturnType<typeof memoryStream>;
  /** Ids published to the learning topic so far, in order. */
  publishedIds(): string[];
  /** Dead letters of a source, oldest first. */
  deadLetters(source: string): Promise<{ origin: string; reason: string; payload: unknown }[]>;
  close(): Promise<void>;
}

export const silent = pino({ level: 'silent' });

/**
 * FOR TESTS: a real test server (database, modules; the composed server runs no collector sources of its own) and
 * the collector module over the in-process stream.
 */
export async function startSourcesTest(): Promise<SourcesTest> {
  const t = await startTestServer({ ANALYTICS_OUTBOX_RELAY: 'off', ANALYTICS_DROP_DIR: 'off' });
  const stream = memoryStream();
  const collector = createCollectorModule({
    pool: t.server.database.pool,
    db: t.server.database.db,
    stream,
    logger: silent,
  });
  return {
    t,
    collector,
    stream,
    publishedIds: () => stream.events(TOPICS.learning).map((e) => e.id),
    async deadLetters(source) {
      const r = await t.server.database.pool.query<{ origin: string; reason: string; payload: unknown }>(
        'SELECT origin, reason, payload FROM analytics.dead_letters WHERE source = $1 ORDER BY received_at, id',
        [source],
      );
      return r.rows;
    },
    async close() {
      await stream.close();
      await t.close();
    },
  };
}

/** An ingest that records what it was given (and can be made to fail) in front of the real one. */
export function spyIngest(inner: Ingest, opts: { delayMs?: number } = {}) {
  const calls: { items: unknown[]; origin: string }[] = [];
  let failures = 0;
  const ingest: Ingest = async (items, meta) => {
    if (failures > 0) {
      failures -= 1;
      throw new Error('collector unavailable');
    }
    calls.push({ items: [...items], origin: meta.origin });
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    return inner(items, meta);
  };
  return {
    ingest,
    calls,
    /** Ids of the statements handed over (items with an id). */
    ids: () =>
      calls.flatMap((c) =>
        c.items.flatMap((i) =>
          i && typeof i === 'object' && 'id' in i && typeof i.id === 'string' ? [i.id] : [],
        ),
      ),
    failNext(n = 1) {
      failures = n;
    },
  };
}

/** Wait until `check` holds (polling), or fail after `ms`. */
export async function until(check: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
