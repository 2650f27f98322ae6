import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { FLAT_FIELDS, type FlatField } from './flat-event.ts';

const Column = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_$]*$/, 'a column name (letters, digits, _ and $)')
  .max(63);
const Table = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/,
    'a table name, optionally schema-qualified (schema.table)',
  )
  .max(127);
/** A column of the table, or a constant for every row ({ "const": "answered" }). */
const ColumnOrConst = z.union([
  Column,
  z.object({ const: z.union([z.string().max(2048), z.number(), z.boolean()]) }).strict(),
]);

const Mapping = z
  .object(
    Object.fromEntries(FLAT_FIELDS.map((f) => [f, ColumnOrConst.optional()])) as Record<
      FlatField,
      z.ZodOptional<typeof ColumnOrConst>
    >,
  )
  .strict()
  .refine((m) => m.actor_id !== undefined || m.actor_email !== undefined, {
    message: 'map needs actor_id or actor_email',
  })
  .refine((m) => m.verb !== undefined, { message: 'map needs verb' })
  .refine(
    (m) => m.object_id !== undefined || m.course_id !== undefined,
    'map needs object_id or course_id (with lesson_id / question_id)',
  );
export type SqlMapping = z.infer<typeof Mapping>;

/**
 * One external SQL table polled for new rows (ANALYTICS_SQL_SOURCES). Rows are read in order of `cursor` (a column
 * whose value only grows: an identity/serial id, or an updated_at set on every write), then `key`:
 * - without `key`, `cursor` must be strictly increasing (unique): rows are read where cursor > the last one read;
 * - with `key` (a unique column, e.g. the primary key), rows are read where (cursor, key) > the last pair read, so
 *   rows sharing a cursor value (two rows with the same updated_at) are neither skipped nor read twice.
 * Rows whose cursor is NULL are never read. A row that becomes visible later with a smaller cursor than one already
 * read (a long transaction committing late) is missed: prefer columns set in commit order, or poll a view that
 * only shows rows older than a few seconds (`where`).
 */
export const SqlSourceConfig = z
  .object({
    /** Unique name: the checkpoint's key and the origin of dead letters. Renaming it starts from the beginning. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'letters, digits, _ . -'),
    /** PostgreSQL connection URL; the platform's own database when absent. */
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL')
      .optional(),
    table: Table,
    cursor: Column,
    key: Column.optional(),
    /** Extra SQL condition on the rows (trusted configuration; it runs in a read-only transaction). */
    where: z.string().min(1).max(2000).optional(),
    map: Mapping,
    /** Values of the verb column → a Lyceum verb name or a verb IRI ({ "finish": "completed" }). */
    verbs: z.record(z.string(), z.string()).optional(),
    batchSize: z.number().int().min(1).max(10_000).default(1000),
    intervalMs: z.number().int().min(100).max(86_400_000).default(5000),
  })
  .strict();
export type SqlSourceConfig = z.infer<typeof SqlSourceConfig>;

export const SqlSourcesConfig = z
  .array(SqlSourceConfig)
  .max(50)
  .refine((a) => new Set(a.map((s) => s.name)).size === a.length, 'source names must be unique');

function readable(err: z.ZodError): string {
  return err.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
}

/**
 * The SQL sources: ANALYTICS_SQL_SOURCES (a JSON array) and/or ANALYTICS_SQL_SOURCES_FILE (a JSON file holding the
 * same array; relative to the working directory). Throws a readable error on bad configuration, so the server does
 * not start with a source silently missing.
 */
export function loadSqlSources(config: {
  ANALYTICS_SQL_SOURCES?: string | undefined;
  ANALYTICS_SQL_SOURCES_FILE?: string | undefined;
}): SqlSourceConfig[] {
  const parts: { from: string; text: string }[] = [];
  if (config.ANALYTICS_SQL_SOURCES?.trim())
    parts.push({ from: 'ANALYTICS_SQL_SOURCES', text: config.ANALYTICS_SQL_SOURCES });
  if (config.ANALYTICS_SQL_SOURCES_FILE?.trim()) {
    const file = path.resolve(config.ANALYTICS_SQL_SOURCES_FILE);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`ANALYTICS_SQL_SOURCES_FILE: cannot read ${file}: ${(err as Error).message}`);
    }
    parts.push({ from: `ANALYTICS_SQL_SOURCES_FILE (${file})`, text });
  }
  const all: SqlSourceConfig[] = [];
  for (const { from, text } of parts) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(`${from} is not JSON: ${(err as Error).message}`);
    }
    const parsed = SqlSourcesConfig.safeParse(json);
    if (!parsed.success) throw new Error(`${from} is invalid:\n${readable(parsed.error)}`);
    all.push(...parsed.data);
  }
  const names = all.map((s) => s.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new Error(`The SQL source name "${twice}" is used twice`);
  return all;
}
