import type pg from 'pg';
import type { Logger } from 'pino';
import { toLearningEvent, type EventSource, type StoredStatement } from '@lyceum/contracts';
import type { AnalyticsStore } from './store/port.ts';

/** The processor's `skip`: which of these statement ids were voided (analytics.voided_statements, migration 0020). */
export function voidedFilter(pool: pg.Pool) {
  return async (ids: string[]): Promise<Set<string>> => {
    const { rows } = await pool.query<{ id: string }>(
      'SELECT id FROM analytics.voided_statements WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return new Set(rows.map((r) => r.id));
  };
}

const CHUNK = 2000;

interface Row {
  statement: StoredStatement;
  source: EventSource;
  device_id: string | null;
  skew_ms: string | null;
}

/**
 * Voiding in analytics (xAPI voiding through the LRS): a voided statement's contribution leaves every figure. The
 * rollups are folded at write time and cannot be un-folded one statement at a time, so the correction re-derives
 * them: the derived tables are emptied and every collected statement that is not voided goes through the processor
 * again, in stored order. The figures are then a function of the unvoided statements alone: running the correction
 * twice, or replaying the stream afterwards (the processor skips voided ids), changes nothing. Corrections queue
 * one behind the other; ids voided meanwhile are folded into the next one. Either store (PostgreSQL or
 * Elasticsearch): each empties its own figures through `clear`.
 */
export function analyticsVoiding(d: {
  pool: pg.Pool;
  store: AnalyticsStore;
  handleBatch: (events: ReturnType<typeof toLearningEvent>[]) => Promise<unknown>;
  logger: Logger;
}) {
  let running: Promise<void> = Promise.resolve();

  async function rebuild(): Promise<void> {
    const started = new Date();
    await d.store.clear();
    let after: { stored: Date; id: string } | null = null;
    for (;;) {
      const { rows }: pg.QueryResult<Row & { stored: Date; id: string }> = await d.pool.query(
        `SELECT s.statement::json AS statement, s.source, s.device_id, s.skew_ms::text, s.stored, s.id
         FROM analytics.statements s
         WHERE NOT EXISTS (SELECT 1 FROM analytics.voided_statements v WHERE v.id = s.id)
           AND ($1::timestamptz IS NULL OR (s.stored, s.id) > ($1::timestamptz, $2::uuid))
         ORDER BY s.stored, s.id LIMIT ${CHUNK}`,
        [after?.stored ?? null, after?.id ?? null],
      );
      if (!rows.length) break;
      await d.handleBatch(
        rows.map((r) =>
          toLearningEvent(r.statement, {
            source: r.source,
            deviceId: r.device_id,
            skewMs: r.skew_ms === null ? null : Number(r.skew_ms),
          }),
        ),
      );
      const last: Row & { stored: Date; id: string } = rows[rows.length - 1]!;
      after = { stored: last.stored, id: last.id };
    }
    await d.pool.query(
      'UPDATE analytics.voided_statements SET corrected_at = now() WHERE corrected_at IS NULL AND voided_at <= $1',
      [started],
    );
  }

  return {
    /** Record the voided ids, then (after any correction in progress) re-derive the figures without them. */
    async correct(ids: readonly string[]): Promise<void> {
      if (!ids.length) return;
      await d.pool.query(
        `INSERT INTO analytics.voided_statements (id) SELECT unnest($1::uuid[]) ON CONFLICT (id) DO NOTHING`,
        [ids],
      );
      const { rows } = await d.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM analytics.statements WHERE id = ANY($1::uuid[])',
        [ids],
      );
      if (!rows[0]?.n) return;
      const next = running.then(rebuild);
      running = next.catch((err: unknown) => d.logger.error({ err }, 'analytics voiding correction failed'));
      await next;
    },
  };
}
export type AnalyticsVoiding = ReturnType<typeof analyticsVoiding>;
