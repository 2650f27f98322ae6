import type pg from 'pg';
import type { StripeEvent } from '@lyceum/contracts';

/** A verified webhook event to record: its envelope and the raw body it came in (valid JSON: it was verified). */
export interface InboxEntry {
  event: StripeEvent;
  rawBody: Buffer;
}

export interface InboxOptions {
  pool: pg.Pool;
  gateway: 'sandbox' | 'stripe';
  /** Events written by one INSERT at most. */
  maxBatch?: number;
  /** INSERTs in flight at once; more events wait for one to finish and go in the next. */
  maxInFlight?: number;
  /** After a commit that recorded new events (the fulfilment worker's wake-up). */
  onRecorded: () => void;
}

interface Waiting {
  id: string;
  body: string;
  resolve: (fresh: boolean) => void;
  reject: (err: unknown) => void;
}

/**
 * The webhook's write: record verified events in the inbox (gateway_events, applied_at NULL), durably, before the
 * endpoint answers 200. Concurrent requests are grouped (group commit): while one INSERT is in flight the next
 * events wait and go together in one multi-row INSERT … ON CONFLICT (id) DO NOTHING, so an acknowledgement costs a
 * share of one statement. `record` answers whether the event is new (false: a repeat, recorded before).
 */
export function paymentInbox(opts: InboxOptions) {
  const maxBatch = opts.maxBatch ?? 500;
  const maxInFlight = opts.maxInFlight ?? 2;
  let queue: Waiting[] = [];
  let inFlight = 0;
  let scheduled = false;

  function schedule() {
    if (scheduled || inFlight >= maxInFlight || queue.length === 0) return;
    scheduled = true;
    // One turn of the event loop lets the requests that arrived together join the same INSERT.
    setImmediate(() => {
      scheduled = false;
      while (inFlight < maxInFlight && queue.length) {
        const batch = queue.slice(0, maxBatch);
        queue = queue.slice(batch.length);
        inFlight++;
        void write(batch).finally(() => {
          inFlight--;
          schedule();
        });
      }
    });
  }

  const insert = (rows: Waiting[]) =>
    opts.pool.query<{ id: string }>(
      `INSERT INTO gateway_events (id, gateway, type, payload)
       SELECT e->>'id', $2, e->>'type', e FROM jsonb_array_elements($1::jsonb) e
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [`[${rows.map((w) => w.body).join(',')}]`, opts.gateway],
    );

  async function write(batch: Waiting[]): Promise<void> {
    // Copies of one event in the same batch: the first is the one that may be new.
    const first = new Map<string, Waiting>();
    for (const w of batch) if (!first.has(w.id)) first.set(w.id, w);
    const rows = [...first.values()];
    const fresh = new Set<string>();
    const failed = new Map<string, unknown>();
    try {
      for (const r of (await insert(rows)).rows) fresh.add(r.id);
    } catch (err) {
      // One event the database refuses must not fail the others: each on its own then.
      if (rows.length === 1) failed.set(rows[0]!.id, err);
      else
        for (const w of rows)
          try {
            for (const r of (await insert([w])).rows) fresh.add(r.id);
          } catch (e) {
            failed.set(w.id, e);
          }
    }
    for (const w of batch)
      if (failed.has(w.id)) w.reject(failed.get(w.id));
      else w.resolve(first.get(w.id) === w && fresh.has(w.id));
    if (fresh.size) opts.onRecorded();
  }

  return {
    /** Record the event (durable when this resolves); true when it is new, false for a repeat. */
    record(entry: InboxEntry): Promise<boolean> {
      return new Promise<boolean>((resolve, reject) => {
        queue.push({
          id: entry.event.id,
          body: entry.rawBody.toString('utf8'),
          resolve,
          reject,
        });
        schedule();
      });
    },
  };
}
export type PaymentInbox = ReturnType<typeof paymentInbox>;
