import type pg from 'pg';
import type { DeadLetterList, DeadLetterQuery, EventSource } from '@lyceum/contracts';
import { decodeCursor, encodeCursor } from '../../../lib/cursor.ts';
import { newId } from '../../../lib/ids.ts';
import { ApiError } from '../../../http/errors.ts';
import { storableJson } from './normalize.ts';

export interface DeadLetterInput {
  source: EventSource;
  origin: string;
  reason: string;
  /** The item as received. */
  payload: unknown;
}

/** Text PostgreSQL can hold (no NUL). */
const text = (s: string, max: number) => s.slice(0, max).replaceAll('\u0000', '\ufffd');

interface Row {
  id: string;
  source: string;
  origin: string;
  reason: string;
  payload: unknown;
  received_at: Date;
}

/** The dead-letter store: every item the collector refused, with its reason and raw payload. */
export function deadLetterStore(pool: pg.Pool, now: () => Date = () => new Date()) {
  return {
    /** Keep many in one statement. */
    async record(items: readonly DeadLetterInput[]): Promise<void> {
      if (!items.length) return;
      await pool.query(
        `INSERT INTO analytics.dead_letters (id, source, origin, reason, payload, received_at)
         SELECT id, source, origin, reason, payload::jsonb, $6::timestamptz
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(id, source, origin, reason, payload)`,
        [
          items.map(() => newId()),
          items.map((i) => i.source),
          items.map((i) => text(i.origin, 500)),
          items.map((i) => text(i.reason, 2000)),
          items.map((i) => storableJson(i.payload ?? null)),
          now().toISOString(),
        ],
      );
    },

    /** Newest first, optionally of one source, paged by cursor. */
    async list(q: DeadLetterQuery): Promise<DeadLetterList> {
      const where: string[] = [];
      const args: unknown[] = [];
      if (q.source) {
        args.push(q.source);
        where.push(`source = $${args.length}`);
      }
      if (q.cursor) {
        const [at, id] = decodeCursor(q.cursor, 2);
        if (typeof at !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(at)))
          throw new ApiError('validation_failed', 'The cursor is malformed', { field: 'cursor' });
        args.push(at, id);
        where.push(`(received_at, id) < ($${args.length - 1}::timestamptz, $${args.length}::uuid)`);
      }
      args.push(q.limit + 1);
      const { rows } = await pool.query<Row>(
        `SELECT id, source, origin, reason, payload, received_at FROM analytics.dead_letters
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY received_at DESC, id DESC LIMIT $${args.length}`,
        args,
      );
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r) => ({
          id: r.id,
          source: r.source,
          origin: r.origin,
          reason: r.reason,
          payload: r.payload,
          receivedAt: r.received_at.toISOString(),
        })),
        nextCursor:
          rows.length > q.limit && last ? encodeCursor([last.received_at.toISOString(), last.id]) : null,
      };
    },

    /** How many dead letters a source has (all sources when omitted). */
    async count(source?: EventSource): Promise<number> {
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM analytics.dead_letters WHERE $1::text IS NULL OR source = $1`,
        [source ?? null],
      );
      return rows[0]?.n ?? 0;
    },
  };
}
export type DeadLetterStore = ReturnType<typeof deadLetterStore>;
