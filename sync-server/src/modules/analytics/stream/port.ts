import type { LearningEvent } from '@lyceum/contracts';

/** The streams of the analytics pipeline (Kafka topics; partitions of the embedded log). */
export const TOPICS = {
  /** Learning statements from the desktop app, the xAPI resource, SQL pollers and dropped files. */
  learning: 'lyceum.learning-events',
  /** Platform events (enrolled, course published) relayed from the OLTP outbox. */
  platform: 'lyceum.platform-events',
} as const;
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

export interface Subscription {
  /** Stop fetching; resolves after the batch in hand was handled and committed (or abandoned uncommitted). */
  stop(): Promise<void>;
}

export interface SubscribeOptions {
  /** Most events handed to the handler at once (default 5,000). */
  maxBatch?: number;
  /**
   * Batching under load (Kafka's fetch.min.bytes / fetch.max.wait): when a fetch finds at least `lingerFrom` but
   * fewer than `lingerBelow` events, wait up to `lingerMs` for more before handing them over. A handler whose cost
   * is partly per batch or per key (the processor: per learner) then gets larger batches when busy, while a quiet
   * stream (fewer than `lingerFrom` waiting) is handed over at once. Default: no lingering.
   */
  linger?: { ms: number; from: number; below: number };
  /** Called when the handler throws: the batch is not committed and is delivered again. */
  onError?: (err: unknown) => void;
}

/**
 * The event stream port. Two adapters: a durable log in PostgreSQL (embedded default) and Apache Kafka.
 * - `publish` resolves only once every event is durably stored (Kafka: idempotent producer, acks from all replicas).
 *   Events are keyed by `event.actor`, so one learner's events keep their order.
 * - A consumer group sees each event at least once; offsets are committed only after the handler resolves, so a
 *   crash replays the uncommitted batch (the processor is idempotent on event id).
 * - A group seen for the first time starts from the oldest retained event. `subscribe` resolves once the new member
 *   has joined its group; members of one group share the topic's partitions, each event going to one of them.
 */
export interface EventStream {
  readonly kind: 'postgres' | 'kafka';
  publish(topic: Topic, events: readonly LearningEvent[]): Promise<void>;
  subscribe(
    topic: Topic,
    group: string,
    handler: (batch: LearningEvent[]) => Promise<void>,
    opts?: SubscribeOptions,
  ): Promise<Subscription>;
  /** Events published to the topic that the group has not committed yet. */
  lag(topic: Topic, group: string): Promise<number>;
  close(): Promise<void>;
}
