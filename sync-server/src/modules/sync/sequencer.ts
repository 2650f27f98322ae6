import type pg from 'pg';
import type { Logger } from 'pino';
import { withTransaction } from '../../db/transaction.ts';

/** Scopes that received numbered changes in one sequencer run, with the highest seq each got. */
export interface SequencedBatch {
  /** Highest seq assigned in this run. */
  seq: number;
  /** scope → highest seq; scopes are 'public', 'user:<id>', 'course:<id>'. */
  scopes: Map<string, number>;
  /** Users whose set of courses may have changed (an enrollment or course_detail change in their own scope). */
  membership: Set<string>;
}

export interface SequencerOptions {
  /** How often to number pending changes when nothing asks earlier (ms); default 50. */
  intervalMs?: number;
  /** Delay after a kick() so a burst of local writes is numbered in one run (ms); default 5. */
  debounceMs?: number;
  /** Called after every run that numbered something (to poke clients). */
  onSequenced?: (batch: SequencedBatch) => void;
}

/** Advisory lock key: only one API node numbers changes at a time. */
const LOCK_KEY = 7421004;

/**
 * Numbers committed changes in commit order. Writers insert rows into change_pending inside their own transaction;
 * a run is one transaction that takes a cluster-wide advisory lock (skipping the run when another node holds it) and
 * moves every pending row it can see (i.e. every row whose transaction has committed) into change_log with `nextval`. Runs never
 * overlap, and the lock is released only after the run's commit, so every seq of a later run is larger than every seq
 * of an earlier, already visible run: a reader that saw seq N never later finds a new row below N.
 */
export function changeSequencer(pool: pg.Pool, logger: Logger, opts: SequencerOptions = {}) {
  const intervalMs = opts.intervalMs ?? 50;
  const debounceMs = opts.debounceMs ?? 5;
  let timer: NodeJS.Timeout | null = null;
  let kickTimer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  let queued: Promise<number> | null = null;
  let stopped = true;

  async function runOnce(): Promise<number> {
    const rows = await withTransaction(pool, async (client) => {
      const lock = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [
        LOCK_KEY,
      ]);
      if (!lock.rows[0]?.ok) return [];
      const r = await client.query<{ seq: number; scope: string; entity: string }>(
        `WITH moved AS (DELETE FROM change_pending RETURNING *)
         INSERT INTO change_log (seq, pending_id, scope, entity, entity_id, ref, op, created_at)
         SELECT nextval('change_log_seq'), id, scope, entity, entity_id, ref, op, created_at FROM moved ORDER BY id
         RETURNING seq, scope, entity`,
      );
      return r.rows;
    });
    if (rows.length && opts.onSequenced) {
      const batch: SequencedBatch = { seq: 0, scopes: new Map(), membership: new Set() };
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq > batch.seq) batch.seq = seq;
        if (seq > (batch.scopes.get(row.scope) ?? 0)) batch.scopes.set(row.scope, seq);
        if (row.scope.startsWith('user:') && (row.entity === 'enrollment' || row.entity === 'course_detail'))
          batch.membership.add(row.scope.slice(5));
      }
      try {
        opts.onSequenced(batch);
      } catch (err) {
        logger.warn({ err }, 'sync poke failed');
      }
    }
    return rows.length;
  }

  /** Run now; when a run is in progress (it may not see the latest commits), run once more right after it. */
  function run(): Promise<number> {
    if (!running) {
      running = runOnce()
        .catch((err: unknown) => {
          if (!stopped) logger.warn({ err }, 'change sequencer run failed');
          return 0;
        })
        .finally(() => {
          running = null;
        });
      return running;
    }
    queued ??= running.then(() => {
      queued = null;
      return run();
    });
    return queued;
  }

  return {
    run,
    /** Number pending changes soon (debounced): called after local writes commit. */
    kick(): void {
      if (stopped || kickTimer) return;
      kickTimer = setTimeout(() => {
        kickTimer = null;
        void run();
      }, debounceMs);
    },
    start(): void {
      if (!stopped) return;
      stopped = false;
      const tick = () => {
        timer = setTimeout(() => {
          void run().finally(() => {
            if (!stopped) tick();
          });
        }, intervalMs);
        timer.unref();
      };
      tick();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (kickTimer) clearTimeout(kickTimer);
      timer = kickTimer = null;
      if (running) await running;
      if (queued) await queued;
    },
  };
}
export type ChangeSequencer = ReturnType<typeof changeSequencer>;
