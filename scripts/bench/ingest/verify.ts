// bench:ingest checks in the database: which acknowledged statements the store counted (lost / double-counted), and
// the baseline — the same raw rows written by a plain batched INSERT.
import fs from 'node:fs/promises';
import type pg from 'pg';
import { joinTexts } from '../../../sync-server/src/lib/pg-array.ts';

export interface Census {
  /** Distinct ids the collector acknowledged (the load generator's record). */
  sent: number;
  /** Repeated ids in that record (the generator never reuses one: must be 0). */
  sentTwice: number;
  /** Of them: rows in the raw statements table, and facts in the store. */
  inStatements: number;
  inFacts: number;
  /** Ids of requests that never got a 2xx answer (retries included) that are stored anyway. */
  unacknowledged: number;
  unacknowledgedStored: number;
  /** Facts that were never sent: must be 0. */
  foreignFacts: number;
  /** What the rollups must show, counted from the facts themselves (the store's counting rules, store/pg-fold.ts). */
  facts: FactFigures;
}
export interface FactFigures {
  events: number;
  enrollments: number;
  lessonCompletions: number;
  courseCompletions: number;
  quizAnswers: number;
  ratings: number;
}

const readIds = async (file: string) =>
  (await fs.readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);

/** Load the sent ids into temporary tables and count them against the raw table and the store's facts. */
export async function census(pool: pg.Pool, idsFile: string): Promise<Census> {
  const acked = await readIds(idsFile);
  const unacked = await readIds(`${idsFile}.unacknowledged`);
  const client = await pool.connect();
  try {
    await client.query('CREATE TEMP TABLE bench_acked (id uuid NOT NULL)');
    await client.query('CREATE TEMP TABLE bench_unacked (id uuid NOT NULL)');
    for (const [table, ids] of [
      ['bench_acked', acked],
      ['bench_unacked', unacked],
    ] as const)
      for (let i = 0; i < ids.length; i += 50_000)
        await client.query(`INSERT INTO ${table} SELECT unnest($1::uuid[])`, [ids.slice(i, i + 50_000)]);
    await client.query('ANALYZE bench_acked');
    await client.query('ANALYZE bench_unacked');
    const r = await client.query<Omit<Census, 'facts'>>(
      `SELECT
         (SELECT count(DISTINCT id) FROM bench_acked)::int AS sent,
         (SELECT count(*) - count(DISTINCT id) FROM bench_acked)::int AS "sentTwice",
         (SELECT count(*) FROM (SELECT DISTINCT id FROM bench_acked) s
            WHERE EXISTS (SELECT 1 FROM analytics.statements t WHERE t.id = s.id))::int AS "inStatements",
         (SELECT count(*) FROM (SELECT DISTINCT id FROM bench_acked) s
            WHERE EXISTS (SELECT 1 FROM analytics.facts f WHERE f.id = s.id))::int AS "inFacts",
         (SELECT count(DISTINCT id) FROM bench_unacked)::int AS unacknowledged,
         (SELECT count(*) FROM (SELECT DISTINCT id FROM bench_unacked) s
            WHERE EXISTS (SELECT 1 FROM analytics.facts f WHERE f.id = s.id))::int AS "unacknowledgedStored",
         (SELECT count(*) FROM analytics.facts f WHERE NOT EXISTS (SELECT 1 FROM bench_acked s WHERE s.id = f.id)
            AND NOT EXISTS (SELECT 1 FROM bench_unacked s WHERE s.id = f.id))::int AS "foreignFacts"`,
    );
    const f = await client.query<FactFigures>(
      `SELECT count(*)::int AS events,
         count(*) FILTER (WHERE verb = 'enrolled' AND course_id IS NOT NULL)::int AS enrollments,
         count(*) FILTER (WHERE verb = 'completed' AND lesson_id IS NOT NULL AND question_id IS NULL)::int
           AS "lessonCompletions",
         count(*) FILTER (WHERE verb = 'completed' AND course_id IS NOT NULL AND lesson_id IS NULL)::int
           AS "courseCompletions",
         count(*) FILTER (WHERE verb = 'answered' AND question_id IS NOT NULL AND success IS NOT NULL)::int
           AS "quizAnswers",
         count(*) FILTER (WHERE verb = 'rated' AND course_id IS NOT NULL AND lesson_id IS NULL
           AND score_raw BETWEEN 1 AND 5)::int AS ratings
       FROM analytics.facts`,
    );
    await client.query('DROP TABLE bench_acked');
    await client.query('DROP TABLE bench_unacked');
    return { ...r.rows[0]!, facts: f.rows[0]! };
  } finally {
    client.release();
  }
}

const COLUMNS = `id, statement, actor, verb, activity, registration, "timestamp", stored, source, device_id, skew_ms`;

/**
 * The baseline: every row of analytics.statements written again, by plain multi-row INSERTs of 1,000 rows into a
 * scratch table of the same columns and indexes (no validation, de-duplication, stream or aggregation). Rows are read
 * out first (not timed) and sent back as the collector sends them (arrays plus one JSON array of statements).
 */
export async function baselineInsert(
  pool: pg.Pool,
  maxRows: number,
): Promise<{ rows: number; seconds: number; rowsPerSecond: number }> {
  await pool.query('DROP TABLE IF EXISTS analytics.bench_statements');
  await pool.query('CREATE TABLE analytics.bench_statements (LIKE analytics.statements INCLUDING ALL)');
  let after = '00000000-0000-0000-0000-000000000000';
  let rows = 0;
  let ms = 0;
  try {
    while (rows < maxRows) {
      const chunk = await pool.query<{
        id: string;
        statement: string;
        actor: string;
        verb: string;
        activity: string;
        registration: string | null;
        timestamp: string;
        stored: string;
        source: string;
        device_id: string | null;
        skew_ms: string | null;
      }>(
        `SELECT id, statement::text AS statement, actor, verb, activity, registration, "timestamp"::text AS "timestamp",
           stored::text AS stored, source, device_id, skew_ms::text AS skew_ms
         FROM analytics.statements WHERE id > $1 ORDER BY id LIMIT $2`,
        [after, Math.min(1000, maxRows - rows)],
      );
      if (!chunk.rows.length) break;
      const c = chunk.rows;
      after = c[c.length - 1]!.id;
      const t0 = performance.now();
      await pool.query(
        `INSERT INTO analytics.bench_statements (${COLUMNS})
         SELECT * FROM (SELECT unnest($1::uuid[]), string_to_table($2::text, E'\\x1e'), unnest($3::text[]),
           unnest($4::text[]), unnest($5::text[]), unnest($6::uuid[]), unnest($7::timestamptz[]),
           unnest($8::timestamptz[]), unnest($9::text[]), unnest($10::text[]), unnest($11::bigint[])) AS t`,
        [
          c.map((r) => r.id),
          joinTexts(c.map((r) => r.statement)),
          c.map((r) => r.actor),
          c.map((r) => r.verb),
          c.map((r) => r.activity),
          c.map((r) => r.registration),
          c.map((r) => r.timestamp),
          c.map((r) => r.stored),
          c.map((r) => r.source),
          c.map((r) => r.device_id),
          c.map((r) => r.skew_ms),
        ],
      );
      ms += performance.now() - t0;
      rows += c.length;
    }
  } finally {
    await pool.query('DROP TABLE IF EXISTS analytics.bench_statements');
  }
  return { rows, seconds: ms / 1000, rowsPerSecond: rows / (ms / 1000) };
}
