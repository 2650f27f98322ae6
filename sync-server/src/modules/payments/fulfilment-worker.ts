import type pg from 'pg';
import type { Logger } from 'pino';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { StripeEvent } from '@lyceum/contracts';
import { fulfilBatch, type AutoRefund, type BatchFacts, type TxClient } from './fulfilment-batch.ts';
import { classifyEvent, type ApplyContext, type EventHandlers } from './webhooks.ts';

export interface FulfilmentWorkerDeps {
  pool: pg.Pool;
  logger: Logger;
  gateway: 'sandbox' | 'stripe';
  handlers: EventHandlers;
  /** Events applied per transaction at most. */
  batchSize?: number;
  /** Look for events recorded by other nodes (and retries that are due) this often (ms). */
  pollMs?: number;
  /** After a commit that changed enrollments: poke the students' devices. */
  onEnrollmentChanged: () => void;
  /** After the commit that marked orders paid (their receipts). */
  onPaid: (orderIds: string[]) => void;
  /** After the commit that booked payments to give back (the gateway is asked then). */
  onAutoRefunds: (refunds: AutoRefund[]) => void;
}

interface Claimed {
  id: string;
  attempts: number;
  payload: StripeEvent;
}

interface Applied {
  outcome: string;
  orderId: string | null;
}

/** What a committed batch leaves to do. */
interface Effects {
  claimed: number;
  enrollmentChanged: boolean;
  paid: string[];
  autoRefunds: AutoRefund[];
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 500);

/**
 * The fulfilment worker: drains the webhook inbox (gateway_events not yet applied) in batches, each ONE
 * transaction. It claims up to `batchSize` events, oldest first, with FOR UPDATE SKIP LOCKED (several API nodes
 * share the inbox); completed payments are applied together, set-based (fulfilBatch), the other events one at a
 * time in order (a completed payment waiting for the set is applied first when a later event of the batch concerns
 * anything, so the batch means what the events meant one by one); then every event is marked applied with its
 * outcome. An event whose application fails is rolled back alone (a savepoint) and tried again later with backoff.
 * Woken by the inbox's commits, by a timer, and at start (what was acknowledged before a crash is applied then).
 */
export function fulfilmentWorker(deps: FulfilmentWorkerDeps) {
  const batchSize = deps.batchSize ?? 500;
  const pollMs = deps.pollMs ?? 1_000;
  let stopped = false;
  let wanted = false;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;

  async function savepoint<T>(client: TxClient, fn: () => Promise<T>): Promise<T> {
    await client.query('SAVEPOINT apply_event');
    try {
      const r = await fn();
      await client.query('RELEASE SAVEPOINT apply_event');
      return r;
    } catch (err) {
      await client.query('ROLLBACK TO SAVEPOINT apply_event');
      throw err;
    }
  }

  async function applyBatch(ctx: ApplyContext, claimed: Claimed[]): Promise<Effects> {
    const effects: Effects = { claimed: claimed.length, enrollmentChanged: false, paid: [], autoRefunds: [] };
    const applied = new Map<string, Applied>();
    const failed = new Map<string, string>();
    let set: BatchFacts[] = [];
    const setKeys = new Set<string>();

    const absorb = (r: Awaited<ReturnType<typeof fulfilBatch>>) => {
      for (const [id, o] of r.outcomes) applied.set(id, o);
      effects.paid.push(...r.paid);
      effects.autoRefunds.push(...r.autoRefunds);
      effects.enrollmentChanged ||= r.enrollmentChanged;
    };
    const one = async (facts: BatchFacts) => {
      try {
        await savepoint(ctx.client, async () => {
          const r = await fulfilBatch(ctx.client, [facts]);
          absorb(r);
        });
      } catch (err) {
        failed.set(facts.eventId, errorText(err));
      }
    };
    const flush = async () => {
      if (!set.length) return;
      const facts = set;
      set = [];
      setKeys.clear();
      let deferred: BatchFacts[];
      try {
        deferred = await savepoint(ctx.client, async () => {
          const r = await fulfilBatch(ctx.client, facts);
          absorb(r);
          return r.deferred;
        });
      } catch (err) {
        // Something in the set fails (a deadlock with another node, a bad row): each on its own, to find it.
        deps.logger.warn(
          { err, events: facts.length },
          'payments: a fulfilment batch failed; applying one by one',
        );
        deferred = facts;
      }
      for (const f of deferred) await one(f);
    };

    for (const c of claimed) {
      const sorted = classifyEvent(c.payload, deps.gateway);
      if (sorted.kind === 'done') {
        applied.set(c.id, { outcome: sorted.outcome, orderId: null });
        continue;
      }
      if (sorted.kind === 'paid') {
        const key = sorted.facts.orderId ?? `pi:${sorted.facts.paymentIntentId}`;
        if (setKeys.has(key)) await flush();
        set.push(sorted.facts);
        setKeys.add(key);
        continue;
      }
      await flush();
      try {
        const h = await savepoint(ctx.client, async () => deps.handlers.apply(ctx, c.payload));
        applied.set(c.id, { outcome: h.outcome, orderId: h.orderId });
        effects.enrollmentChanged ||= h.enrollmentChanged;
        effects.paid.push(...(h.paid ?? []));
        effects.autoRefunds.push(...(h.autoRefunds ?? []));
      } catch (err) {
        failed.set(c.id, errorText(err));
      }
    }
    await flush();

    await ctx.client.query(
      `UPDATE gateway_events g
          SET applied_at = now(), outcome = a.outcome, order_id = a.order_id, retry_at = NULL, last_error = NULL
         FROM jsonb_to_recordset($1::jsonb) AS a(id text, outcome text, order_id uuid)
        WHERE g.id = a.id`,
      [JSON.stringify([...applied].map(([id, a]) => ({ id, outcome: a.outcome, order_id: a.orderId })))],
    );
    if (failed.size) {
      deps.logger.warn(
        { failed: Object.fromEntries(failed) },
        'payments: webhook events not applied; retrying later',
      );
      // Backoff: 1 s, 2 s, 4 s … up to 10 minutes.
      await ctx.client.query(
        `UPDATE gateway_events g
            SET attempts = g.attempts + 1, last_error = f.error,
                retry_at = now() + make_interval(secs => least(600, power(2, g.attempts)))
           FROM jsonb_to_recordset($1::jsonb) AS f(id text, error text)
          WHERE g.id = f.id`,
        [JSON.stringify([...failed].map(([id, error]) => ({ id, error })))],
      );
    }
    return effects;
  }

  /** Claim and apply one batch; answers how many events it claimed. */
  async function runOnce(): Promise<number> {
    const client = await deps.pool.connect();
    let effects: Effects;
    try {
      effects = await drizzle(client).transaction(async (tx) => {
        // The inbox row is the durable record of an event: a batch lost in a crash (not yet flushed) is applied
        // again from it at start, whole, so its commit need not wait for the disk.
        await client.query('SET LOCAL synchronous_commit = off');
        const { rows } = await client.query<Claimed>(
          `SELECT id, attempts, payload FROM gateway_events
            WHERE applied_at IS NULL AND (retry_at IS NULL OR retry_at <= now())
            ORDER BY received_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [batchSize],
        );
        if (!rows.length) return { claimed: 0, enrollmentChanged: false, paid: [], autoRefunds: [] };
        return applyBatch({ tx, client }, rows);
      });
    } finally {
      client.release();
    }
    if (effects.enrollmentChanged) deps.onEnrollmentChanged();
    if (effects.paid.length) deps.onPaid(effects.paid);
    if (effects.autoRefunds.length) deps.onAutoRefunds(effects.autoRefunds);
    return effects.claimed;
  }

  async function loop(): Promise<void> {
    while (wanted && !stopped) {
      wanted = false;
      try {
        // A full batch means more may be waiting.
        while (!stopped && (await runOnce()) === batchSize);
      } catch (err) {
        if (!stopped) deps.logger.warn({ err }, 'payments: applying webhook events failed; retrying');
        // Not at once: the database may be away; the timer wakes us again.
        return;
      }
    }
  }

  function wake(): void {
    if (stopped) return;
    wanted = true;
    running ??= loop().finally(() => {
      running = null;
      if (wanted && !stopped) wake();
    });
  }

  return {
    wake,
    /** Apply what the inbox holds now, then every new event as it is recorded. */
    start(): void {
      if (timer || stopped) return;
      timer = setInterval(wake, pollMs);
      timer.unref();
      wake();
    },
    /** Resolves once the inbox holds nothing this node can apply now (tests, benches). */
    async drain(): Promise<void> {
      for (;;) {
        await running;
        if (stopped || (await runOnce()) === 0) return;
      }
    },
    /** Stop claiming; resolves when the batch in hand is committed (or rolled back). */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await running?.catch(() => {});
    },
  };
}
export type FulfilmentWorker = ReturnType<typeof fulfilmentWorker>;
