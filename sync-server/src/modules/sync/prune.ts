import type pg from 'pg';
import { withTransaction } from '../../db/transaction.ts';

/**
 * Drop numbered changes older than the retention window and raise the low-water mark to the highest seq dropped:
 * a cursor below it may have missed changes, so its pull answers resyncRequired. Returns the number of rows dropped.
 */
export async function pruneChangeLog(pool: pg.Pool, olderThan: Date): Promise<number> {
  return withTransaction(pool, async (client) => {
    // The low-water mark moves in the same transaction as the delete, under the state row's lock.
    await client.query('SELECT 1 FROM sync_state WHERE id = 1 FOR UPDATE');
    const r = await client.query<{ top: number | null; n: number }>(
      `WITH gone AS (DELETE FROM change_log WHERE sequenced_at < $1 RETURNING seq)
       SELECT max(seq) AS top, count(*)::int AS n FROM gone`,
      [olderThan],
    );
    const top = r.rows[0]?.top;
    if (top !== null && top !== undefined)
      await client.query('UPDATE sync_state SET low_water = GREATEST(low_water, $1) WHERE id = 1', [top]);
    return r.rows[0]?.n ?? 0;
  });
}
