import type { Logger } from 'pino';

/**
 * What follows a commit that marked orders paid (the receipt emails), run in the background a few at a time: a
 * batch of 500 paid orders must not take every pooled connection from the webhook endpoint's INSERTs.
 */
export function afterPaymentQueue(opts: {
  step: (orderId: string) => Promise<unknown>;
  logger: Logger;
  concurrency?: number;
}) {
  const concurrency = opts.concurrency ?? 4;
  const queue: string[] = [];
  let active = 0;
  const waiters: (() => void)[] = [];

  function pump() {
    while (active < concurrency && queue.length) {
      const orderId = queue.shift()!;
      active++;
      void opts
        .step(orderId)
        .catch((err: unknown) => opts.logger.warn({ err, orderId }, 'after-payment step (receipt) failed'))
        .finally(() => {
          active--;
          pump();
          if (active === 0 && queue.length === 0) for (const w of waiters.splice(0)) w();
        });
    }
  }

  return {
    push(orderIds: string[]): void {
      queue.push(...orderIds);
      pump();
    },
    /** Resolves when nothing is queued or running. */
    idle(): Promise<void> {
      if (active === 0 && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
