import type { Logger } from 'pino';

/**
 * Work done after the answer, one job after another, in this process: a failure is logged, never thrown at anyone.
 * Beyond `limit` waiting jobs, new ones are dropped with a warning (a flood cannot grow memory without bound).
 */
export function backgroundQueue(logger: Logger, what: string, limit = 1000) {
  let tail: Promise<void> = Promise.resolve();
  let waiting = 0;
  return {
    push(job: () => Promise<void>): void {
      if (waiting >= limit) {
        logger.warn({ waiting }, `${what}: too many waiting, dropped`);
        return;
      }
      waiting += 1;
      tail = tail
        .then(job)
        .catch((err: unknown) => logger.error({ err }, `${what} failed`))
        .finally(() => {
          waiting -= 1;
        });
    },
    /** Settles once every job queued so far is done. */
    idle(): Promise<void> {
      return tail;
    },
  };
}
