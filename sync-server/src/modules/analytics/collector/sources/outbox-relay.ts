import type pg from 'pg';
import type { Logger } from 'pino';
import { Waker } from '../../stream/waker.ts';
import type { Ingest } from '../port.ts';
import { listenChannel } from './listen.ts';
import { OUTBOX_CHANNEL } from './outbox.ts';
import { withTransaction } from '../../../../db/transaction.ts';

export interface OutboxRelayOptions {
  /** Rows per delivery (default 500). */
  batchSize?: number;
  /** Poll interval when no notification arrives (default 5000 ms). */
  pollMs?: number;
  /** Wait after a failed delivery, doubled up to 30 s while failures go on (default 1000 ms). */
  retryMs?: number;
  /** Published rows are deleted after this many days (default 7). */
  retentionDays?: number;
  /** LISTEN for the outbox trigger's notifications (default true); polling only when false. */
  listen?: boolean;
}

export interface OutboxRelay {
  /** Deliver everything pending now (tests, shutdown); answers how many rows this process delivered. */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 1000);

/**
 * Deliver one batch: lock the oldest unpublished rows (FOR UPDATE SKIP LOCKED, so relays in other processes take
 * other rows and no row is delivered by two relays at once), hand their statements to the collector, and mark them
 * published in the same transaction, only after `ingest` returned. A crash in between leaves them unpublished and
 * they are delivered again; the collector counts a repeated statement id once. Answers the number of rows.
 */
export async function relayOnce(pool: pg.Pool, ingest: Ingest, batchSize = 500): Promise<number> {
  // A failed `ingest` still commits the attempt count and the error on the rows, then is thrown.
  const out = await withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: string; statement: unknown }>(
      `SELECT id, statement FROM event_outbox WHERE published_at IS NULL
       ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [batchSize],
    );
    if (!rows.length) return { n: 0 };
    const ids = rows.map((r) => r.id);
    let errors: (string | null)[];
    try {
      const result = await ingest(
        rows.map((r) => r.statement),
        { source: 'outbox', origin: 'event_outbox' },
      );
      // Refused statements are in the dead-letter store: delivered, with the reason kept here too.
      errors = ids.map(() => null);
      for (const r of result.rejected) errors[r.index] = `rejected: ${r.reason}`.slice(0, 1000);
    } catch (err) {
      await client.query(
        'UPDATE event_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::uuid[])',
        [ids, errorText(err)],
      );
      return { n: 0, failed: err };
    }
    await client.query(
      `UPDATE event_outbox o SET published_at = now(), attempts = o.attempts + 1, last_error = t.err
       FROM unnest($1::uuid[], $2::text[]) AS t(id, err) WHERE o.id = t.id`,
      [ids, errors],
    );
    return { n: rows.length };
  });
  if ('failed' in out) throw out.failed;
  return out.n;
}

/** How soon the relay looks again at rows it skipped because another reader of the outbox held them. */
const LOCKED_RETRY_MS = 100;

/**
 * The outbox relay: moves platform events from `event_outbox` to the collector (source 'outbox'), in order of
 * writing, in batches. Woken by the outbox trigger's NOTIFY, with a poll as fallback; safe to run in every server
 * process at once. Rows published more than `retentionDays` ago are pruned now and then.
 */
export function startOutboxRelay(
  deps: { pool: pg.Pool; ingest: Ingest; logger: Logger },
  opts: OutboxRelayOptions = {},
): OutboxRelay {
  const batchSize = opts.batchSize ?? 500;
  const pollMs = opts.pollMs ?? 5000;
  const retryMs = opts.retryMs ?? 1000;
  const retentionDays = opts.retentionDays ?? 7;
  const log = deps.logger.child({ component: 'outbox-relay' });
  const waker = new Waker();
  /** Interrupts back-off waits on stop (notifications do not cut them short). */
  const stopping = new Waker();
  let stopped = false;
  let lastPrune = 0;
  const listener =
    opts.listen === false ? null : listenChannel(deps.pool.options, OUTBOX_CHANNEL, () => waker.wake(), log);

  async function prune(): Promise<void> {
    if (Date.now() - lastPrune < 10 * 60_000) return;
    lastPrune = Date.now();
    const r = await deps.pool.query(
      `DELETE FROM event_outbox WHERE published_at < now() - make_interval(days => $1::int)`,
      [retentionDays],
    );
    if (r.rowCount) log.debug({ deleted: r.rowCount }, 'pruned published outbox rows');
  }

  const loop = (async () => {
    let failures = 0;
    while (!stopped) {
      const generation = waker.generation;
      let delivered = 0;
      try {
        delivered = await relayOnce(deps.pool, deps.ingest, batchSize);
        failures = 0;
        if (delivered < batchSize) await prune();
      } catch (err) {
        failures += 1;
        if (!stopped) log.warn({ err, failures }, 'outbox delivery failed; will retry');
        await stopping.wait(stopping.generation, Math.min(retryMs * 2 ** (failures - 1), 30_000));
        continue;
      }
      if (delivered === batchSize) continue;
      // Rows another reader of the outbox (the notifications consumer) held locked were skipped: look again soon,
      // not at the next poll.
      const skipped = await leftBehind().catch(() => false);
      await waker.wait(generation, skipped ? LOCKED_RETRY_MS : pollMs);
    }
  })();

  async function leftBehind(): Promise<boolean> {
    const r = await deps.pool.query<{ left: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM event_outbox WHERE published_at IS NULL) AS left',
    );
    return r.rows[0]?.left ?? false;
  }

  return {
    /** Deliver every unpublished row, waiting out rows another reader holds for a moment. */
    async drain() {
      let total = 0;
      for (;;) {
        const n = await relayOnce(deps.pool, deps.ingest, batchSize);
        total += n;
        if (n > 0) continue;
        if (!(await leftBehind())) return total;
        await new Promise((r) => setTimeout(r, LOCKED_RETRY_MS));
      }
    },
    async stop() {
      stopped = true;
      waker.wake();
      stopping.wake();
      await listener?.close();
      await loop;
    },
  };
}
