import type { LearningEvent } from '@lyceum/contracts';
import type { EventStream, SubscribeOptions, Subscription, Topic } from '../stream/port.ts';

/**
 * FOR TESTS ONLY: a small in-process EventStream (a log per topic holding the published objects, committed offsets per group, at-least-once
 * delivery with commit after the handler). `failNextPublish` makes the next publish throw, to test what a stream
 * outage does to the collector.
 */
export function memoryStream(): EventStream & {
  events(topic: Topic): LearningEvent[];
  failNextPublish(err?: Error): void;
} {
  const logs = new Map<Topic, LearningEvent[]>();
  const offsets = new Map<string, number>();
  const wakers = new Set<() => void>();
  let failure: Error | null = null;
  const log = (topic: Topic) => {
    let l = logs.get(topic);
    if (!l) logs.set(topic, (l = []));
    return l;
  };
  return {
    kind: 'postgres',
    events: (topic) => [...log(topic)],
    failNextPublish(err = new Error('stream unavailable')) {
      failure = err;
    },
    async publish(topic, events) {
      if (failure) {
        const err = failure;
        failure = null;
        throw err;
      }
      log(topic).push(...events);
      for (const wake of wakers) wake();
    },
    async subscribe(topic, group, handler, opts: SubscribeOptions = {}): Promise<Subscription> {
      const key = `${topic}\u0000${group}`;
      let stopped = false;
      let wake: () => void = () => {};
      const loop = (async () => {
        while (!stopped) {
          const from = offsets.get(key) ?? 0;
          const batch = log(topic).slice(from, from + (opts.maxBatch ?? 5000));
          if (!batch.length) {
            await new Promise<void>((resolve) => {
              wake = resolve;
              wakers.add(resolve);
              setTimeout(resolve, 50);
            });
            wakers.delete(wake);
            continue;
          }
          try {
            await handler(batch);
            offsets.set(key, from + batch.length);
          } catch (err) {
            opts.onError?.(err);
          }
        }
      })();
      return {
        async stop() {
          stopped = true;
          wake();
          await loop;
        },
      };
    },
    async lag(topic, group) {
      return log(topic).length - (offsets.get(`${topic}\u0000${group}`) ?? 0);
    },
    async close() {
      for (const wake of wakers) wake();
    },
  };
}
