import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { is } from 'drizzle-orm';
import { PgTable, getTableConfig } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from './harness.ts';

/**
 * The drizzle table definitions (each module's tables.ts, and any other module file that declares pgTable) against the
 * database the migrations build: every declared table exists, and every declared column exists with the same type
 * and nullability. The migrations are the truth (they run in production); a module whose tables.ts says otherwise
 * would read or write what is not there.
 */
const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sourceFiles(p)));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.includes('test-')) out.push(p);
  }
  return out;
}

interface Declared {
  file: string;
  schema: string;
  table: string;
  columns: { name: string; type: string; notNull: boolean }[];
}

async function declaredTables(): Promise<Declared[]> {
  const found = new Map<string, Declared>();
  for (const file of await sourceFiles(SRC)) {
    const text = await readFile(file, 'utf8');
    if (!text.includes("from 'drizzle-orm/pg-core'") || !/\b(pgTable|\.table)\(/.test(text)) continue;
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const value of Object.values(mod)) {
      if (!is(value, PgTable)) continue;
      const c = getTableConfig(value);
      const key = `${c.schema ?? 'public'}.${c.name}`;
      if (found.has(key)) continue;
      found.set(key, {
        file: path.relative(SRC, file),
        schema: c.schema ?? 'public',
        table: c.name,
        columns: c.columns.map((col) => ({ name: col.name, type: col.getSQLType(), notNull: col.notNull })),
      });
    }
  }
  return [...found.values()];
}

/** drizzle's SQL type names as PostgreSQL's format_type() writes them. */
export function normalType(t: string): string {
  const s = t
    .trim()
    .toLowerCase()
    .replace(/\s*,\s*/g, ',');
  const exact: Record<string, string> = {
    serial: 'integer',
    bigserial: 'bigint',
    smallserial: 'smallint',
    timestamp: 'timestamp without time zone',
    'timestamp with time zone': 'timestamp with time zone',
    timestamptz: 'timestamp with time zone',
    time: 'time without time zone',
    varchar: 'character varying',
    char: 'character',
    int: 'integer',
    int4: 'integer',
    int8: 'bigint',
    int2: 'smallint',
    float8: 'double precision',
    float4: 'real',
    bool: 'boolean',
  };
  if (exact[s]) return exact[s];
  return s
    .replace(/^varchar\(/, 'character varying(')
    .replace(/^char\(/, 'character(')
    .replace(/^timestamp\((\d)\) with time zone$/, 'timestamp($1) with time zone')
    .replace(/^timestamp\((\d)\)$/, 'timestamp($1) without time zone');
}

let db: { url: string; drop: () => Promise<void> };
let client: pg.Client;
beforeAll(async () => {
  db = await createTestDatabase();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await db?.drop();
});

describe('drizzle tables match the migrated database', () => {
  it('every declared table and column exists with the same type and nullability', async () => {
    const tables = await declaredTables();
    expect(tables.length).toBeGreaterThan(20);
    const { rows } = await client.query<{
      schema: string;
      table: string;
      column: string;
      type: string;
      not_null: boolean;
    }>(
      `SELECT n.nspname AS schema, c.relname AS table, a.attname AS column,
              format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p')
         AND n.nspname NOT IN ('pg_catalog', 'information_schema')`,
    );
    const actual = new Map(rows.map((r) => [`${r.schema}.${r.table}.${r.column}`, r]));
    const tableNames = new Set(rows.map((r) => `${r.schema}.${r.table}`));
    const problems: string[] = [];
    for (const t of tables) {
      const where = `${t.schema}.${t.table} (${t.file})`;
      if (!tableNames.has(`${t.schema}.${t.table}`)) {
        problems.push(`${where}: no such table in the migrations`);
        continue;
      }
      for (const col of t.columns) {
        const a = actual.get(`${t.schema}.${t.table}.${col.name}`);
        if (!a) problems.push(`${where}: column ${col.name} is not in the migrations`);
        else {
          if (normalType(col.type) !== a.type)
            problems.push(
              `${where}: column ${col.name} is ${col.type} in drizzle, ${a.type} in the migrations`,
            );
          if (col.notNull !== a.not_null)
            problems.push(
              `${where}: column ${col.name} is ${col.notNull ? 'NOT NULL' : 'nullable'} in drizzle, ${a.not_null ? 'NOT NULL' : 'nullable'} in the migrations`,
            );
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('reads drizzle type names as PostgreSQL writes them', () => {
    expect(normalType('varchar(200)')).toBe('character varying(200)');
    expect(normalType('timestamp with time zone')).toBe('timestamp with time zone');
    expect(normalType('serial')).toBe('integer');
    expect(normalType('numeric(12, 2)')).toBe('numeric(12,2)');
  });
});
