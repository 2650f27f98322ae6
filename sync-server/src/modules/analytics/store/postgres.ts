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
 * `ingest` runs one transaction per batch, which first locks the batch's learners: their rows in
 * analytics.learner_locks, FOR UPDATE, in key order (so two writers cannot deadlock on them; new learners' rows are
 * inserted first, in the same order). A second processor working on the same learners waits, then sees the first
 * one's commit, so both derive the same timeline; processors on different learners run side by side. Row locks live
 * in the rows, so a batch of thousands of learners needs no shared lock-table memory.
 */
const LOCK_NEW = `INSERT INTO analytics.learner_locks (actor)
SELECT a FROM unnest($1::text[]) AS a ORDER BY a ON CONFLICT (actor) DO NOTHING`;
const LOCK = `SELECT count(*) AS n FROM (
  SELECT actor FROM analytics.learner_locks WHERE actor = ANY($1::text[]) ORDER BY actor FOR UPDATE
) l`;
/** The tables the processor derives from statements (0008_analytics_store.sql); the learner locks stay. */
const DERIVED = [
  'facts',
  'course_daily',
  'student_daily',
  'student_course',
  'student_lesson_daily',
  'question_answers',
  'ratings',
  'learning_sessions',
  'presence',
  'arrivals',
].map((t) => `analytics.${t}`);
/** Retries of a batch that lost a deadlock or serialization race (the batch is rolled back each time). */
const MAX_RETRIES = 5;
const PRUNE_EVERY_MS = 60_000;

const retryable = (err: unknown) => {
  const code = (err as { code?: unknown }).code;
  return code === '40P01' || code === '40001';
};

export function createPostgresStore(deps: { pool: pg.Pool }): AnalyticsStore {
  const { pool } = deps;
  let lastPrune = 0;

  async function ingest<T>(actors: readonly string[], fn: (tx: IngestTransaction) => Promise<T>): Promise<T> {
    const learners = [...new Set(actors)];
    for (let attempt = 1; ; attempt += 1) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        if (learners.length) {
          await client.query(LOCK_NEW, [learners]);
          await client.query(LOCK, [learners]);
        }
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
    clear: async () => {
      await pool.query(`TRUNCATE ${DERIVED.join(', ')}`);
    },
    // The pool belongs to the server's database connection; closing the store leaves it open.
    close: async () => {},
  };
}
