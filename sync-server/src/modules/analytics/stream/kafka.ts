import kafkajs from 'kafkajs';
import type { Admin, Consumer, EachBatchPayload, KafkaMessage, LogEntry, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { LearningEvent } from '@lyceum/contracts';
import { Waker } from './waker.ts';
import { DEFAULT_PARTITIONS } from './partitioner.ts';
import type { EventStream, SubscribeOptions, Subscription, Topic } from './port.ts';
import { PublishQueue } from './publish-queue.ts';

const { Kafka, Partitioners, logLevel } = kafkajs;

export interface KafkaStreamOptions {
  brokers: string[];
  clientId: string;
  /** Prepended to every topic name (tests, or several installations sharing a cluster). */
  topicPrefix?: string;
  /** Partitions of a topic this adapter creates (default 8); existing topics keep theirs. */
  partitions?: number;
  /** Replicas of a topic this adapter creates (default: 3, or fewer when the cluster has fewer brokers). */
  replicationFactor?: number;
  /** Most messages in one produce request (default 2,000); concurrent publishes are merged up to this. */
  maxSendBatch?: number;
  /** Consumer group session timeout / heartbeat interval (ms; kafkajs defaults 30,000 / 3,000). */
  sessionTimeout?: number;
  heartbeatInterval?: number;
  /** Wait before a batch whose handler failed is delivered again (ms; default 1,000). */
  retryDelayMs?: number;
  /** How long subscribe() waits for the consumer to join its group (ms; default 60,000). */
  joinTimeoutMs?: number;
}

/** kafkajs logs through pino. */
function logCreator(logger: Logger) {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _t, ...extra } = log;
      const fields: Record<string, unknown> = { namespace, ...extra };
      if (level === logLevel.ERROR) logger.error(fields, message);
      else if (level === logLevel.WARN) logger.warn(fields, message);
      else if (level === logLevel.INFO) logger.info(fields, message);
      else logger.debug(fields, message);
    };
}

/**
 * The event stream on Apache Kafka. A topic per stream (created with the admin client when missing), messages keyed
 * by actor (the default murmur2 partitioner, so one learner's events share a partition and stay ordered), an
 * idempotent producer with acks from all in-sync replicas and one request in flight (no reordering on retry), and
 * publishes merged into batched produce requests. Each subscription is a consumer in the group that commits a
 * partition's offset only after the handler resolved for the messages before it (eachBatch, manual resolveOffset
 * and commit, autoCommit off); a failed handler is retried with the same messages, uncommitted.
 */
export function createKafkaStream(opts: KafkaStreamOptions, logger: Logger): EventStream {
  const log = logger.child({ component: 'analytics-stream', adapter: 'kafka' });
  const kafka = new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    logLevel: logLevel.WARN,
    logCreator: logCreator(log),
  });
  const prefix = opts.topicPrefix ?? '';
  const name = (topic: Topic) => `${prefix}${topic}`;
  const maxSend = Math.max(1, opts.maxSendBatch ?? 2000);
  const retryDelayMs = opts.retryDelayMs ?? 1000;
  let producer: Promise<Producer> | null = null;
  let admin: Promise<Admin> | null = null;
  const topics = new Map<string, Promise<void>>();
  const subscriptions = new Set<Subscription>();
  let closed = false;

  function getAdmin(): Promise<Admin> {
    admin ??= (async () => {
      const a = kafka.admin();
      await a.connect();
      return a;
    })().catch((err: unknown) => {
      admin = null;
      throw err;
    });
    return admin;
  }

  function getProducer(): Promise<Producer> {
    producer ??= (async () => {
      const p = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await p.connect();
      return p;
    })().catch((err: unknown) => {
      producer = null;
      throw err;
    });
    return producer;
  }

  function ensureTopic(topic: string): Promise<void> {
    let p = topics.get(topic);
    if (!p) {
      p = (async () => {
        const a = await getAdmin();
        if ((await a.listTopics()).includes(topic)) return;
        const brokers = (await a.describeCluster()).brokers.length;
        const replicationFactor = opts.replicationFactor ?? Math.max(1, Math.min(3, brokers));
        await a.createTopics({
          waitForLeaders: true,
          topics: [
            {
              topic,
              numPartitions: opts.partitions ?? DEFAULT_PARTITIONS,
              replicationFactor,
              // With acks = all, a write then survives the loss of a broker.
              configEntries:
                replicationFactor > 1
                  ? [{ name: 'min.insync.replicas', value: String(Math.min(2, replicationFactor)) }]
                  : [],
            },
          ],
        });
        log.info({ topic, replicationFactor }, 'created Kafka topic');
      })();
      p.catch(() => topics.delete(topic));
      topics.set(topic, p);
    }
    return p;
  }

  const queue = new PublishQueue<readonly LearningEvent[]>(async (topic, batches) => {
    const p = await getProducer();
    await p.send({
      topic,
      acks: -1,
      messages: batches.flatMap((events) => events.map((e) => ({ key: e.actor, value: JSON.stringify(e) }))),
    });
  }, maxSend);

  async function subscribe(
    topic: Topic,
    group: string,
    handler: (batch: LearningEvent[]) => Promise<void>,
    subOpts: SubscribeOptions,
  ): Promise<Subscription> {
    const t = name(topic);
    await ensureTopic(t);
    const maxBatch = Math.max(1, subOpts.maxBatch ?? 5000);
    const consumer: Consumer = kafka.consumer({
      groupId: group,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: 4 * 1024 * 1024,
      // Lingering is the broker's fetch wait: it answers once this many bytes (≈ 300 per event) are there or the
      // wait is over.
      ...(subOpts.linger ? { minBytes: subOpts.linger.from * 300, maxWaitTimeInMs: subOpts.linger.ms } : {}),
      ...(opts.sessionTimeout ? { sessionTimeout: opts.sessionTimeout } : {}),
      ...(opts.heartbeatInterval ? { heartbeatInterval: opts.heartbeatInterval } : {}),
    });
    const stopWaker = new Waker();
    let stopping = false;
    const report = (err: unknown) => {
      if (subOpts.onError) subOpts.onError(err);
      else log.error({ err, topic: t, group }, 'stream handler failed; the batch will be delivered again');
    };
    const parse = (m: KafkaMessage): LearningEvent[] => {
      if (!m.value) return [];
      try {
        return [JSON.parse(m.value.toString('utf8')) as LearningEvent];
      } catch (err) {
        log.error({ err, topic: t, offset: m.offset }, 'unreadable message skipped');
        return [];
      }
    };

    const eachBatch = async (p: EachBatchPayload): Promise<void> => {
      const { batch } = p;
      for (let i = 0; i < batch.messages.length; i += maxBatch) {
        const messages = batch.messages.slice(i, i + maxBatch);
        const events = messages.flatMap(parse);
        for (;;) {
          if (stopping || !p.isRunning() || p.isStale()) return;
          try {
            if (events.length) await handler(events);
            break;
          } catch (err) {
            report(err);
            await stopWaker.wait(stopWaker.generation, retryDelayMs);
            await p.heartbeat();
          }
        }
        const last = messages[messages.length - 1]!.offset;
        p.resolveOffset(last);
        await p.commitOffsetsIfNecessary({
          topics: [
            {
              topic: batch.topic,
              partitions: [{ partition: batch.partition, offset: (BigInt(last) + 1n).toString() }],
            },
          ],
        });
        await p.heartbeat();
      }
    };

    // subscribe() resolves once this member has joined the group (and so has its share of the partitions).
    let joinTimer: NodeJS.Timeout | undefined;
    let offJoin: (() => void) | undefined;
    const joined = new Promise<void>((resolve, reject) => {
      joinTimer = setTimeout(
        () => reject(new Error(`Kafka consumer of group ${group} did not join it in time`)),
        opts.joinTimeoutMs ?? 60_000,
      );
      offJoin = consumer.on(consumer.events.GROUP_JOIN, () => resolve());
    });
    joined.catch(() => {});
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [t], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch,
      });
      await joined;
    } catch (err) {
      stopping = true;
      await consumer.disconnect().catch(() => {});
      throw err;
    } finally {
      clearTimeout(joinTimer);
      offJoin?.();
    }
    let stopped: Promise<void> | null = null;
    const sub: Subscription = {
      stop() {
        stopped ??= (async () => {
          stopping = true;
          stopWaker.wake();
          subscriptions.delete(sub);
          // Waits for the batch in hand; what was not committed is delivered again to the group.
          await consumer.disconnect();
        })();
        return stopped;
      },
    };
    subscriptions.add(sub);
    return sub;
  }

  return {
    kind: 'kafka',

    async publish(topic, events) {
      if (closed) throw new Error('analytics stream is closed');
      if (!events.length) return;
      const t = name(topic);
      await ensureTopic(t);
      const sends: Promise<void>[] = [];
      for (let i = 0; i < events.length; i += maxSend) {
        const chunk = events.slice(i, i + maxSend);
        sends.push(queue.push(t, chunk.length, chunk));
      }
      await Promise.all(sends);
    },

    subscribe(topic, group, handler, subOpts = {}) {
      if (closed) return Promise.reject(new Error('analytics stream is closed'));
      return subscribe(topic, group, handler, subOpts);
    },

    async lag(topic, group) {
      const t = name(topic);
      await ensureTopic(t);
      const a = await getAdmin();
      const [ends, committed] = await Promise.all([
        a.fetchTopicOffsets(t),
        a.fetchOffsets({ groupId: group, topics: [t] }),
      ]);
      const done = new Map(
        (committed.find((x) => x.topic === t)?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]),
      );
      let lag = 0;
      for (const e of ends) {
        const low = Number(e.low);
        const at = done.get(e.partition);
        // No commit yet (-1): the group starts from the beginning of what is retained.
        const from = at !== undefined && at >= 0 ? Math.max(at, low) : low;
        lag += Math.max(0, Number(e.high) - from);
      }
      return lag;
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...subscriptions].map((s) => s.stop()));
      await queue.idle();
      const [p, a] = [producer, admin];
      producer = admin = null;
      await Promise.all([
        p?.then((x) => x.disconnect()).catch(() => {}),
        a?.then((x) => x.disconnect()).catch(() => {}),
      ]);
    },
  };
}
