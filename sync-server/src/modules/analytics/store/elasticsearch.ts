import { Client, type ClientOptions } from '@elastic/elasticsearch';
import type { AnalyticsStore, IngestTransaction } from './port.ts';
import { funnel, ratings } from './es-courses.ts';
import { lessons, questions } from './es-lessons.ts';
import { daily, overview } from './es-overview.ts';
import { engagement, student } from './es-people.ts';
import type { EsContext } from './es-query.ts';
import { DEFAULT_PREFIX, indexNames, installSchema } from './es-schema.ts';
import { esTransaction } from './es-write.ts';

/**
 * The scaled analytics store: Elasticsearch 8 (ELASTICSEARCH_URL). Facts live in a data stream, one document per
 * event (`_id` = event id), sessions in an index (store/es-schema.ts); every insight is computed at query time by
 * aggregations over them, with the definitions of the PostgreSQL adapter (the store contract suite runs both).
 *
 * CONCURRENCY. Elasticsearch has no transactions and no locks. `ingest` serialises units of work on the same actors
 * within this process (a FIFO lock per actor, all of a batch's actors taken at once, so two batches cannot deadlock);
 * store/es-write.ts orders each unit's writes so a failure part way is repaired by the retried batch. Two PROCESSES
 * ingesting the same learner at the same moment are not kept apart: run one processor per stream partition
 * (Kafka's consumer group gives each partition — and so each learner, keyed by actor — to one member at a time).
 * Stored facts rewritten for active time carry if_seq_no/if_primary_term, so a concurrent change to the same fact
 * fails the batch instead of being overwritten.
 */
export interface ElasticsearchStoreOptions {
  /** An existing client (tests pass one wired to a mock); else one is made from `node`. */
  client?: Client;
  node?: string;
  apiKey?: string;
  /** Index name prefix (default `lyceum-analytics`): facts `<prefix>-facts`, sessions `<prefix>-sessions`. */
  prefix?: string;
  /** Days a rolled-over facts index is kept (default 400). */
  retentionDays?: number;
  /** How `ingest` makes its writes visible: 'wait_for' (default) the next refresh; true forces one; false neither. */
  refresh?: boolean | 'wait_for';
}

/** FIFO locks by key: `acquire` takes all keys at once and resolves when every earlier holder released them. */
export function keyedLocks() {
  const tails = new Map<string, Promise<void>>();
  return {
    async acquire(keys: readonly string[]): Promise<() => void> {
      let release!: () => void;
      const mine = new Promise<void>((r) => (release = r));
      const waits: Promise<void>[] = [];
      const held: [string, Promise<void>][] = [];
      for (const k of new Set(keys)) {
        const prev = tails.get(k) ?? Promise.resolve();
        const tail = prev.then(() => mine);
        tails.set(k, tail);
        waits.push(prev);
        held.push([k, tail]);
      }
      await Promise.all(waits);
      return () => {
        release();
        for (const [k, tail] of held) if (tails.get(k) === tail) tails.delete(k);
      };
    },
    get size() {
      return tails.size;
    },
  };
}

export function createElasticsearchStore(
  opts: ElasticsearchStoreOptions,
): AnalyticsStore & { context: EsContext } {
  const ownClient = !opts.client;
  const client =
    opts.client ??
    new Client({
      node: opts.node,
      ...(opts.apiKey ? { auth: { apiKey: opts.apiKey } } : {}),
      requestTimeout: 30_000,
    } satisfies ClientOptions);
  const names = indexNames(opts.prefix ?? DEFAULT_PREFIX);
  const retentionDays = opts.retentionDays ?? 400;
  let installing: Promise<void> | null = null;
  const ctx: EsContext = {
    client,
    names,
    ready() {
      installing ??= installSchema(client, names, retentionDays).catch((err: unknown) => {
        installing = null; // try again on the next call
        throw err;
      });
      return installing;
    },
  };
  const locks = keyedLocks();
  const refresh = opts.refresh ?? 'wait_for';

  async function ingest<T>(actors: readonly string[], fn: (tx: IngestTransaction) => Promise<T>): Promise<T> {
    await ctx.ready();
    const release = await locks.acquire(actors);
    try {
      return await fn(esTransaction(ctx, { refresh }));
    } finally {
      release();
    }
  }

  const read =
    <A extends unknown[], R>(f: (c: EsContext, ...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await ctx.ready();
      return f(ctx, ...args);
    };

  return {
    kind: 'elasticsearch',
    context: ctx,
    ingest,
    overview: (range, now = new Date()) => read(overview)(range, now),
    funnel: read(funnel),
    lessons: read(lessons),
    questions: read(questions),
    engagement: (range, o = {}) => read(engagement)(range, o),
    ratings: read(ratings),
    student: (actor, range, o = {}) => read(student)(actor, range, o),
    daily: read(daily),
    clear: async () => {
      await ctx.ready();
      const gone = (err: unknown) => (err as { statusCode?: number }).statusCode === 404;
      await client.indices.deleteDataStream({ name: names.facts }).catch((err: unknown) => {
        if (!gone(err)) throw err;
      });
      await client.indices.delete({ index: names.sessions }).catch((err: unknown) => {
        if (!gone(err)) throw err;
      });
      installing = null; // the next call creates the stream and the index again, empty
      await ctx.ready();
    },
    close: async () => {
      if (ownClient) await client.close();
    },
  };
}
