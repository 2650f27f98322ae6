import type pg from 'pg';

/** A connection: the pool, or a client inside an open transaction. */
export type Queryable = Pick<pg.PoolClient, 'query'>;

/**
 * Multi-row statements: rows travel as ONE JSON parameter read by json_to_recordset, so a batch of thousands costs
 * one round trip and one parse, whatever its size. Timestamps travel as epoch milliseconds and multiranges as lists of
 * [start, end) pairs; the column list converts them.
 */
export type ColumnType =
  'text' | 'date' | 'bigint' | 'float8' | 'boolean' | 'uuid' | 'jsonb' | 'text[]' | 'timestamptz' | 'nummultirange';

export interface Column {
  name: string;
  type: ColumnType;
  /** On conflict: the new value from the stored one (t.<name>) and the incoming one (x.<name>); default: keep x. */
  merge?: 'sum' | 'min' | 'max' | 'or' | 'keep' | ((c: string) => string);
}

const recordType = (t: ColumnType) => (t === 'timestamptz' ? 'float8' : t === 'nummultirange' ? 'text' : t);

/** The SQL reading column `c` of the recordset `r` as its table type. */
export function selectExpr(c: Column): string {
  if (c.type === 'timestamptz') return `to_timestamp(r.${c.name} / 1000.0)`;
  if (c.type === 'nummultirange') return `r.${c.name}::nummultirange`;
  return `r.${c.name}`;
}

export const recordset = (cols: readonly Column[]): string =>
  `json_to_recordset($1::json) AS r(${cols.map((c) => `${c.name} ${recordType(c.type)}`).join(', ')})`;

function mergeExpr(c: Column): string {
  const t = `t.${c.name}`;
  const x = `excluded.${c.name}`;
  switch (c.merge) {
    case undefined:
      return x;
    case 'sum':
      return `${t} + ${x}`; // numbers add; multiranges unite
    case 'min':
      return `LEAST(${t}, ${x})`;
    case 'max':
      return `GREATEST(${t}, ${x})`;
    case 'or':
      return `${t} OR ${x}`;
    case 'keep':
      return t;
    default:
      return c.merge(c.name);
  }
}

/** A multirange literal from sorted, disjoint [start, end) pairs. */
export const multirangeLiteral = (xs: readonly (readonly [number, number])[]): string =>
  `{${xs.map(([a, b]) => `[${a},${b})`).join(',')}}`;

/** The JSON parameter of rows for these columns. */
export function rowsJson(cols: readonly Column[], rows: readonly object[]): string {
  const ranges = cols.filter((c) => c.type === 'nummultirange').map((c) => c.name);
  if (!ranges.length) return JSON.stringify(rows);
  return JSON.stringify(
    rows.map((row) => {
      const out: Record<string, unknown> = { ...row };
      for (const k of ranges) out[k] = multirangeLiteral((out[k] as [number, number][] | null) ?? []);
      return out;
    }),
  );
}

/**
 * INSERT … SELECT FROM the JSON rows ON CONFLICT (key) DO UPDATE with each column's merge, as a function running it
 * for rows (nothing when there are none). Row objects carry the columns by name.
 */
export function upsert<R extends object>(table: string, key: readonly (keyof R & string)[], cols: readonly Column[]) {
  const updates = cols.filter((c) => !key.includes(c.name as keyof R & string)).map((c) => `${c.name} = ${mergeExpr(c)}`);
  const sql = `INSERT INTO ${table} AS t (${cols.map((c) => c.name).join(', ')})
SELECT ${cols.map(selectExpr).join(', ')} FROM ${recordset(cols)}
ON CONFLICT (${key.join(', ')}) DO ${updates.length ? `UPDATE SET ${updates.join(', ')}` : 'NOTHING'}`;
  return async (conn: Queryable, rows: readonly R[]): Promise<void> => {
    if (rows.length) await conn.query(sql, [rowsJson(cols, rows)]);
  };
}
