// The floor of bench:ingest's pipeline, for bench:ingest:parts: what every event costs in the steps no version of
// this pipeline skips — parse the statement, validate it (zod), write its record's JSON, derive its event and write
// that JSON, then store three rows (the statement record, the log entry, the fact), each by a plain batched INSERT
// with nothing but the table's own indexes. No HTTP, no de-duplication, no rollups, no sessions, no GC pressure from
// requests in flight: the real pipeline costs more than this sum.
import type pg from 'pg';
import { XapiStatement, toLearningEvent, type StoredStatement } from '@lyceum/contracts';
import { joinTexts } from '../../../sync-server/src/lib/pg-array.ts';

export interface Cost {
  step: string;
  nodeUs: number;
  pgUs: number;
}
type Cpu = () => number;

/** CPU per statement of each in-memory step, over `texts` (the statements as JSON, as a request carries them). */
export function memorySteps(texts: readonly string[], stored: string, nodeCpu: Cpu): Cost[] {
  const per = (step: string, run: () => void): Cost => {
    run(); // warm
    const c0 = nodeCpu();
    run();
    return { step, nodeUs: ((nodeCpu() - c0) / texts.length) * 1e6, pgUs: 0 };
  };
  const items = texts.map((t) => JSON.parse(t) as unknown);
  const valid = items.map((i) => XapiStatement.parse(i));
  const completed = valid.map((s): StoredStatement => ({ ...s, id: s.id!, timestamp: s.timestamp!, stored }));
  const events = completed.map((s) => toLearningEvent(s, { source: 'desktop', deviceId: 'd', skewMs: 0 }));
  let sink = 0;
  const costs = [
    per('parse the statement JSON', () => {
      for (const t of texts) sink += (JSON.parse(t) as object) ? 1 : 0;
    }),
    per('validate it (zod)', () => {
      for (const i of items) sink += XapiStatement.safeParse(i).success ? 1 : 0;
    }),
    per("write the record's JSON", () => {
      for (const s of completed) sink += JSON.stringify(s).length;
    }),
    per('derive the event', () => {
      for (const s of completed)
        sink += toLearningEvent(s, { source: 'desktop', deviceId: 'd', skewMs: 0 }).id.length;
    }),
    per("write the event's JSON", () => {
      for (const e of events) sink += JSON.stringify(e).length;
    }),
  ];
  // Their results are used, so that no step can be optimised away.
  if (!(sink > 0)) throw new Error('the in-memory steps measured nothing');
  return costs;
}

/** A NULL among a column's texts: a character no value here holds raw (nor joinTexts' separator). */
const NULL = '\u001f';

/**
 * CPU per row of a plain batched INSERT (1,000 rows a statement) of `table`'s first `n` rows into an empty copy of it
 * with the same indexes. Each column travels as one text (joinTexts) split in lockstep by string_to_table, as the
 * collector sends its statements: no escaping in Node, one input parse per value.
 */
export async function plainRowInsert(
  pool: pg.Pool,
  table: string,
  n: number,
  nodeCpu: Cpu,
  pgCpu: Cpu,
): Promise<Omit<Cost, 'step'>> {
  const [schema, name] = table.split('.') as [string, string];
  const cols = (
    await pool.query<{ column_name: string; type: string }>(
      `SELECT attname AS column_name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
       WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
      [table],
    )
  ).rows;
  const copy = `${schema}.floor_${name}`;
  await pool.query(`DROP TABLE IF EXISTS ${copy}`);
  await pool.query(`CREATE TABLE ${copy} (LIKE ${table} INCLUDING ALL)`);
  const list = cols.map((c) => `"${c.column_name}"`).join(', ');
  const { rows } = await pool.query<(string | null)[]>({
    text: `SELECT ${cols.map((c) => `"${c.column_name}"::text`).join(', ')} FROM ${table} LIMIT ${n}`,
    rowMode: 'array',
  });
  const split = cols
    .map((_, i) => `string_to_table($${i + 1}::text, E'\\x1e', E'\\x1f') AS c${i}`)
    .join(', ');
  const sql = `INSERT INTO ${copy} (${list}) SELECT ${cols.map((c, i) => `r.c${i}::${c.type}`).join(', ')}
    FROM (SELECT ${split}) AS r`;
  const client = await pool.connect();
  try {
    const n0 = nodeCpu();
    const p0 = pgCpu();
    for (let i = 0; i < rows.length; i += 1000) {
      const batch = rows.slice(i, i + 1000);
      await client.query(
        sql,
        cols.map((_, c) => joinTexts(batch.map((r) => r[c] ?? NULL))),
      );
    }
    const count = Math.max(1, rows.length);
    return { nodeUs: ((nodeCpu() - n0) / count) * 1e6, pgUs: ((pgCpu() - p0) / count) * 1e6 };
  } finally {
    client.release();
    await pool.query(`DROP TABLE IF EXISTS ${copy}`);
  }
}

/** The floor, printed beside the target's budget. */
export function printFloor(costs: readonly Cost[], targetRate: number, cores: number): void {
  const budget = (cores / targetRate) * 1e6;
  console.log(`floor: the steps every event needs, each measured alone (µs of CPU per event)`);
  let node = 0;
  let pgTotal = 0;
  for (const c of costs) {
    node += c.nodeUs;
    pgTotal += c.pgUs;
    console.log(
      `  ${c.step.padEnd(52)} Node ${c.nodeUs.toFixed(1).padStart(5)}  PG ${c.pgUs.toFixed(1).padStart(5)}  ` +
        `= ${(c.nodeUs + c.pgUs).toFixed(1).padStart(5)}`,
    );
  }
  const total = node + pgTotal;
  console.log(
    `  ${'sum'.padEnd(52)} Node ${node.toFixed(1).padStart(5)}  PG ${pgTotal.toFixed(1).padStart(5)}  = ${total.toFixed(1).padStart(5)}`,
  );
  console.log(
    `  the target (${targetRate.toLocaleString('en')} events/s on ${cores} cores) leaves ${budget.toFixed(0)} µs per event ` +
      `at 100 % CPU; this floor alone takes ${((total / budget) * 100).toFixed(0)} % of it, before HTTP, de-duplication, ` +
      `the rollups, the sessions, garbage collection and the load generator`,
  );
}
