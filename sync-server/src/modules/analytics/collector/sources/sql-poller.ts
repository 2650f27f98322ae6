import pg from 'pg';
import type { Logger } from 'pino';
import { Waker } from '../../stream/waker.ts';
import type { Ingest } from '../port.ts';
import type { SqlSourceConfig } from './config.ts';
import { deliver, type Delivered, type SourcedItem } from './deliver.ts';
import { FLAT_FIELDS, emailsOf, flatToStatement, type EmailResolver, type FlatEvent } from './flat-event.ts';

export interface SqlPollerDeps {
  /** The platform database (checkpoints). */
  pool: pg.Pool;
  ingest: Ingest;
  logger: Logger;
  resolveEmails: EmailResolver;
}

export interface PollResult extends Delivered {
  rows: number;
  /** False when another process holds this source's checkpoint (it is polling it right now). */
  polled: boolean;
}

export interface SqlPoller {
  /** Read and deliver one batch of new rows. */
  pollOnce(): Promise<PollResult>;
  stop(): Promise<void>;
}

/** A configuration that cannot work (a missing column, a checkpoint of another table): the poller stops. */
export class SourceConfigError extends Error {}

const quote = (ident: string) =>
  ident
    .split('.')
    .map((p) => `"${p}"`)
    .join('.');
const CURSOR = '__lyceum_cursor';
const KEY = '__lyceum_key';

/** The query reading the next rows after the checkpoint ($1, $2), in (cursor, key) order. */
export function pollQuery(s: SqlSourceConfig, first: boolean): string {
  const c = quote(s.cursor);
  const k = s.key ? quote(s.key) : null;
  const where = [`${c} IS NOT NULL`];
  if (s.where) where.push(`(${s.where})`);
  if (!first) where.push(k ? `(${c}, ${k}) > ($1, $2)` : `${c} > $1`);
  return `SELECT t.*, ${c}::text AS ${CURSOR}${k ? `, ${k}::text AS ${KEY}` : ''}
    FROM ${quote(s.table)} t WHERE ${where.join(' AND ')}
    ORDER BY ${c}${k ? `, ${k}` : ''} LIMIT ${s.batchSize}`;
}

const target = (s: SqlSourceConfig) => `${s.table}(${s.cursor}${s.key ? `, ${s.key}` : ''})`;

/**
 * Polls one external table (see SqlSourceConfig) and hands new rows to the collector (source 'sql'). The checkpoint
 * row in analytics.source_checkpoints is locked while a batch is read and delivered (FOR UPDATE SKIP LOCKED: other
 * processes skip the source meanwhile) and advanced in the same transaction, only after `ingest` returned; a crash
 * before that re-reads the batch, whose ids are stable (from the `id` column, or derived from the source name and
 * the row's cursor/key) so the collector counts them once. Rows that do not map are dead-lettered with their origin
 * "<name>:<table>:<cursor>[/<key>]".
 */
export function createSqlPoller(deps: SqlPollerDeps, s: SqlSourceConfig): SqlPoller {
  const external = s.url ? new pg.Pool({ connectionString: s.url, max: 1, idleTimeoutMillis: 30_000 }) : null;
  external?.on('error', () => {
    /* surfaced on the next query */
  });
  const source = external ?? deps.pool;

  async function readRows(after: { cursor: string | null; key: string | null }) {
    const client = await source.connect();
    try {
      await client.query('BEGIN TRANSACTION READ ONLY');
      try {
        const first = after.cursor === null;
        const params = first ? [] : s.key ? [after.cursor, after.key] : [after.cursor];
        const r = await client.query<Record<string, unknown>>(pollQuery(s, first), params);
        const missing = Object.values(s.map)
          .filter((m): m is string => typeof m === 'string')
          .filter((col) => !r.fields.some((f) => f.name === col));
        if (missing.length)
          throw new SourceConfigError(`${s.table} has no column ${missing.join(', ')} (source ${s.name})`);
        return r.rows;
      } finally {
        await client.query('COMMIT').catch(() => {});
      }
    } finally {
      client.release();
    }
  }

  async function toItems(rows: Record<string, unknown>[]): Promise<SourcedItem[]> {
    const flats = rows.map((row) => {
      const flat: FlatEvent = {};
      for (const f of FLAT_FIELDS) {
        const m = s.map[f];
        if (m !== undefined) flat[f] = typeof m === 'string' ? row[m] : m.const;
      }
      return flat;
    });
    const users = await deps.resolveEmails(emailsOf(flats));
    return flats.map((flat, i) => {
      const row = rows[i]!;
      const at = `${String(row[CURSOR])}${s.key ? `/${String(row[KEY])}` : ''}`;
      return {
        payload: flatToStatement(flat, {
          seed: `sql:${s.name}:${at}`,
          scope: `sql:${s.name}`,
          users,
          ...(s.verbs ? { verbs: s.verbs } : {}),
        }),
        origin: `${s.name}:${s.table}:${at}`,
      };
    });
  }

  async function pollOnce(): Promise<PollResult> {
    await deps.pool.query(
      `INSERT INTO analytics.source_checkpoints (source, target) VALUES ($1, $2) ON CONFLICT (source) DO NOTHING`,
      [s.name, target(s)],
    );
    const client = await deps.pool.connect();
    let open = false;
    try {
      await client.query('BEGIN');
      open = true;
      const { rows: cp } = await client.query<{
        target: string;
        cursor_value: string | null;
        key_value: string | null;
      }>(
        `SELECT target, cursor_value, key_value FROM analytics.source_checkpoints WHERE source = $1
         FOR UPDATE SKIP LOCKED`,
        [s.name],
      );
      const checkpoint = cp[0];
      const none: PollResult = { rows: 0, accepted: 0, duplicates: 0, rejected: 0, polled: false };
      if (!checkpoint) return none;
      if (checkpoint.target !== target(s))
        throw new SourceConfigError(
          `The checkpoint of SQL source "${s.name}" is for ${checkpoint.target}, not ${target(s)}: ` +
            `give the source a new name (it then starts from the first row) or delete its checkpoint`,
        );
      const rows = await readRows({ cursor: checkpoint.cursor_value, key: checkpoint.key_value });
      if (!rows.length) return { ...none, polled: true };
      const delivered = await deliver(deps.ingest, await toItems(rows), {
        source: 'sql',
        origin: `${s.name}:${s.table}`,
      });
      const last = rows[rows.length - 1]!;
      await client.query(
        `UPDATE analytics.source_checkpoints
         SET cursor_value = $2, key_value = $3, rows_read = rows_read + $4, updated_at = now() WHERE source = $1`,
        [s.name, String(last[CURSOR]), s.key ? String(last[KEY]) : null, rows.length],
      );
      await client.query('COMMIT');
      open = false;
      return { rows: rows.length, ...delivered, polled: true };
    } finally {
      if (open) await client.query('ROLLBACK').catch(() => {});
      client.release();
    }
  }

  return {
    pollOnce,
    async stop() {
      await external?.end();
    },
  };
}

/** Poll a source every `intervalMs` (at once again while batches come back full), backing off on errors. */
export function startSqlPoller(deps: SqlPollerDeps, s: SqlSourceConfig): SqlPoller {
  const poller = createSqlPoller(deps, s);
  const log = deps.logger.child({ component: 'sql-poller', source: s.name });
  const waker = new Waker();
  let stopped = false;
  const loop = (async () => {
    let failures = 0;
    while (!stopped) {
      const since = waker.generation;
      let wait = s.intervalMs;
      try {
        const r = await poller.pollOnce();
        failures = 0;
        if (r.rows) log.debug({ ...r }, 'SQL source polled');
        if (r.rows === s.batchSize) wait = 0;
      } catch (err) {
        if (err instanceof SourceConfigError) {
          log.error({ err }, 'SQL source stopped: its configuration does not fit the table');
          return;
        }
        failures += 1;
        if (!stopped) log.warn({ err, failures }, 'SQL source poll failed; will retry');
        wait = Math.min(s.intervalMs * 2 ** Math.min(failures, 6), 300_000);
      }
      if (wait) await waker.wait(since, wait);
    }
  })();
  return {
    pollOnce: () => poller.pollOnce(),
    async stop() {
      stopped = true;
      waker.wake();
      await loop;
      await poller.stop();
    },
  };
}
