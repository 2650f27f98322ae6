import type pg from 'pg';
import { joinTexts, arrayLiteralOf as lit } from '../../../lib/pg-array.ts';
import { PublishQueue } from '../stream/publish-queue.ts';

/** A statement as the collector records it (analytics.statements, migration 0009). */
export interface StatementRow {
  id: string;
  /** The completed statement as JSON text. */
  json: string;
  actor: string;
  verb: string;
  activity: string;
  registration: string | null;
  timestamp: string;
  stored: string;
  source: string;
  deviceId: string | null;
  skewMs: number | null;
}

/**
 * The statements travel as ONE text (joinTexts), split by string_to_table in lockstep with the unnested columns: no
 * JSON parsing in PostgreSQL and no array escaping in Node. The other columns travel as array literals.
 */
const INSERT = `
INSERT INTO analytics.statements
  (id, statement, actor, verb, activity, registration, "timestamp", stored, source, device_id, skew_ms)
SELECT t.id, t.doc, t.actor, t.verb, t.activity, t.registration, t.ts, t.stored, t.source, t.device_id, t.skew_ms
FROM (
  SELECT unnest($1::uuid[]) AS id, string_to_table($2::text, E'\\x1e') AS doc, unnest($3::text[]) AS actor,
    unnest($4::text[]) AS verb, unnest($5::text[]) AS activity, unnest($6::uuid[]) AS registration,
    unnest($7::timestamptz[]) AS ts, unnest($8::timestamptz[]) AS stored, unnest($9::text[]) AS source,
    unnest($10::text[]) AS device_id, unnest($11::int8[]) AS skew_ms
) AS t
ON CONFLICT (id) DO NOTHING`;

const params = (rows: readonly StatementRow[]) => [
  lit(rows, (r) => r.id),
  joinTexts(rows.map((r) => r.json)),
  lit(rows, (r) => r.actor),
  lit(rows, (r) => r.verb),
  lit(rows, (r) => r.activity),
  lit(rows, (r) => r.registration),
  lit(rows, (r) => r.timestamp),
  lit(rows, (r) => r.stored),
  lit(rows, (r) => r.source),
  lit(rows, (r) => r.deviceId),
  lit(rows, (r) => (r.skewMs === null ? null : Math.round(r.skewMs))),
];

/** Insert the rows on `db` (in its transaction, if any); resolves with the ids that were not recorded before. */
export async function insertStatements(
  db: pg.ClientBase,
  rows: readonly StatementRow[],
): Promise<Set<string>> {
  const r = await db.query<{ id: string }>(`${INSERT} RETURNING id`, params(rows));
  return new Set(r.rows.map((x) => x.id));
}

/**
 * The statement record, group-committed: one INSERT runs at a time, and the requests that arrive meanwhile are
 * written together by the next one (up to `maxRows`). Concurrent uploads thus share one statement and one commit
 * instead of each extending the table and flushing the WAL on its own (bench:ingest saw more time waiting on the
 * table's extension lock than running).
 */
export function statementWriter(pool: pg.Pool, maxRows = 5000) {
  const queue = new PublishQueue<readonly StatementRow[]>(async (_topic, chunks) => {
    const rows = chunks.length === 1 ? chunks[0]! : chunks.flat();
    await pool.query(INSERT, params(rows));
  }, maxRows);
  return {
    /** Resolves once the rows are committed (ids already recorded are left as they are). */
    write(rows: readonly StatementRow[]): Promise<void> {
      return rows.length ? queue.push('statements', rows.length, rows) : Promise.resolve();
    },
  };
}
