import type pg from 'pg';
import type { AnalyticsStore, IngestTransaction } from './port.ts';
import { funnel, ratings } from './pg-courses.ts';
import { lessons, questions } from './pg-lessons.ts';
import { daily, overview } from './pg-overview.ts';
import { engagement, student } from './pg-people.ts';
import { pgTransaction } from './pg-write.ts';

/**
 * The embedded analytics store: the `analytics` schema in PostgreSQL (migration 0008_analytics_store.sql) — facts
 * plus rollups kept at write time, so the insights read small tables.
 *
 * `ingest` runs one transaction per batch. It first takes transaction-scoped advisory locks on the batch's actors
 * (hashed into LOCK_BUCKETS buckets, taken in ascending order so two writers cannot deadlock on them): a second
 * processor working on the same learners waits, then sees the first one's commit, so both derive the same timeline.
 */
export const LOCK_BUCKETS = 1024;
/** Namespace (first key) of the store's two-key advisory locks. */
const LOCK_CLASS = 740_008;
/** Retries of a batch that lost a deadlock or serialization race (the batch is rolled back each time). */
const MAX_RETRIES = 5;
const PRUNE_EVERY_MS = 60_000;

/** FNV-1a of the actor key, into a lock bucket. */
export function lockBucket(actor: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < actor.length; i += 1) {
    h ^= actor.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % LOCK_BUCKETS;
}

const retryable = (err: unknown) => {
  const code = (err as { code?: unknown }).code;
  return code === '40P01' || code === '40001';
};

export function createPostgresStore(deps: { pool: pg.Pool }): AnalyticsStore {
  const { pool } = deps;
  let lastPrune = 0;

  async function ingest<T>(actors: readonly string[], fn: (tx: IngestTransaction) => Promise<T>): Promise<T> {
    const buckets = [...new Set(actors.map(lockBucket))].sort((a, b) => a - b);
    for (let attempt = 1; ; attempt += 1) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        if (buckets.length)
          await client.query(
            `SELECT count(pg_advisory_xact_lock(${LOCK_CLASS}, b)) FROM unnest($1::int[]) AS b`,
            [buckets],
          );
        const now = Date.now();
        const pruneArrivals = now - lastPrune > PRUNE_EVERY_MS;
        if (pruneArrivals) lastPrune = now;
        const result = await fn(pgTransaction(client, { pruneArrivals }));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        if (attempt < MAX_RETRIES && retryable(err)) continue;
        throw err;
      } finally {
        client.release(broken);
      }
    }
  }

  return {
    kind: 'postgres',
    ingest,
    overview: (range, now = new Date()) => overview(pool, range, now),
    funnel: (range) => funnel(pool, range),
    lessons: (range) => lessons(pool, range),
    questions: (range) => questions(pool, range),
    engagement: (range, opts = {}) => engagement(pool, range, opts),
    ratings: (range) => ratings(pool, range),
    student: (actor, range, opts = {}) => student(pool, actor, range, opts),
    daily: (range) => daily(pool, range),
    // The pool belongs to the server's database connection; closing the store leaves it open.
    close: async () => {},
  };
}
