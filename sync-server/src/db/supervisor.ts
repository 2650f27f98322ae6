import type { Postmaster } from './postmaster.ts';

export interface SupervisorEvents {
  /** The postmaster ended without being asked to (its exit code or signal). */
  crashed?: (how: number | string) => void;
  /** Running again, after `ms` (PostgreSQL's crash recovery included). */
  restarted?: (ms: number) => void;
  /** A start failed (the old backends still hold shared memory, …); tried again after a pause. */
  restartFailed?: (err: unknown, attempt: number) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Keep an embedded PostgreSQL running: when its postmaster ends without stop() (a crash, a kill), start it again on
 * the same data directory and port — PostgreSQL runs its own crash recovery (WAL replay) at start — retrying with a
 * short backoff until it is up or stop() is called. Meanwhile the pool's connections fail fast and the API answers
 * 503 unavailable with Retry-After.
 */
export function supervise(
  first: Postmaster,
  start: () => Promise<Postmaster>,
  events: SupervisorEvents = {},
): { stop(): Promise<void> } {
  let current = first;
  let stopped = false;
  let restarting: Promise<void> | null = null;

  async function restart(): Promise<void> {
    const t0 = Date.now();
    for (let attempt = 1, pause = 100; !stopped; attempt++, pause = Math.min(pause * 2, 2000)) {
      try {
        const pm = await start();
        if (stopped) {
          await pm.stop();
          return;
        }
        current = pm;
        watch(pm);
        events.restarted?.(Date.now() - t0);
        return;
      } catch (err) {
        events.restartFailed?.(err, attempt);
        await sleep(pause);
      }
    }
  }

  function watch(pm: Postmaster): void {
    void pm.exited.then((how) => {
      if (stopped || pm !== current) return;
      events.crashed?.(how);
      restarting = restart().finally(() => {
        restarting = null;
      });
    });
  }

  watch(first);
  return {
    async stop() {
      stopped = true;
      await restarting;
      await current.stop();
    },
  };
}
