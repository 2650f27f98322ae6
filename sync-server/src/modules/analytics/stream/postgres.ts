import type pg from 'pg';
import type { Logger } from 'pino';
import type { LearningEvent } from '@lyceum/contracts';
import { arrayLiteral, joinTexts } from '../../../lib/pg-array.ts';
import { startGroupMember, type ConsumerTiming } from './pg-consumer.ts';
import { DayTables, dayOf, type RetentionResult } from './pg-days.ts';
import { StreamListener } from './pg-listener.ts';
import { DEFAULT_PARTITIONS, partitionOf } from './partitioner.ts';
import type { EventStream, SubscribeOptions, Subscription, Topic } from './port.ts';
import { PublishQueue } from './publish-queue.ts';

export interface PostgresStreamOptions extends Partial<ConsumerTiming> {
  /** Day tables of events older than this are dropped once every consumer group has committed them (default 30). */
  retentionDays?: number;
  /** Offsets of a group with no live member for this long are forgotten, so it no longer holds retention (default 7). */
  groupExpiryDays?: number;
  /** Days ahead of today that get their own table (default 2); later timestamps go to the default table. */
  futureDays?: number;
  /** Most events appended in one statement (default 5,000); concurrent publishes are merged up to this. */
  maxAppendBatch?: number;
  /** How often to create coming day tables and apply retention (ms; default 10 min; 0 = only on maintain()). */
  maintenanceIntervalMs?: number;
  /** Stream partitions given to a topic that has none yet (default 8). */
  partitions?: number;
  /** LISTEN for wake-ups (default true); false polls only (e.g. behind a transaction-pooling PgBouncer). */
  listen?: boolean;
}

export interface PostgresEventStream extends EventStream {
  readonly kind: 'postgres';
  /**
   * Append events inside the caller's open transaction on `client` (a connection to this log's database): they
   * become visible, numbered and woken for consumers at its commit, and vanish with its rollback. The collector
   * records a statement and appends its event in one transaction this way (see collector/recorder.ts).
   */
  appendWithin(client: pg.ClientBase, topic: Topic, events: readonly LearningEvent[]): Promise<void>;
  /** Create the coming day tables and apply retention now (also run on a timer). */
  maintain(now?: Date): Promise<RetentionResult>;
}

/** Whether a stream is the embedded log (which can append inside a caller's transaction). */
export function isEmbeddedLog(stream: EventStream): stream is PostgresEventStream {
  return stream.kind === 'postgres' && 'appendWithin' in stream;
}

/** A publish call's events, prepared for one append. */
interface Prepared {
  parts: number[];
  times: string[];
  days: Set<string>;
  /** The events as JSON texts, joined by joinTexts (see migration 0011). */
  docs: string;
}

/**
 * The embedded event stream: a durable log in PostgreSQL (see db/migrations/0007_analytics_stream.sql for the layout).
 * Publishing is group-committed (PublishQueue): the calls waiting while an append runs are merged into the next
 * one, a single `analytics.stream_append` (one multi-row INSERT of the events as JSON texts), and each call resolves once its
 * events are committed.
 */
export function createPostgresStream(
  pool: pg.Pool,
  logger: Logger,
  opts: PostgresStreamOptions = {},
): PostgresEventStream {
  const log = logger.child({ component: 'analytics-stream', adapter: 'postgres' });
  const timing: ConsumerTiming = {
    leaseMs: opts.leaseMs ?? 15_000,
    heartbeatMs: opts.heartbeatMs ?? 3_000,
    pollMs: opts.pollMs ?? 1_000,
    retryDelayMs: opts.retryDelayMs ?? 1_000,
  };
  const retentionDays = opts.retentionDays ?? 30;
  const groupExpiryDays = opts.groupExpiryDays ?? 7;
  const maxAppend = Math.max(1, opts.maxAppendBatch ?? 5000);
  const maintenanceMs = opts.maintenanceIntervalMs ?? 600_000;
  const days = new DayTables(pool, log, retentionDays, opts.futureDays ?? 2);
  const listener = new StreamListener(pool.options, log);
  const topics = new Map<Topic, Promise<number>>();
  const subscriptions = new Set<Subscription>();
  let closed = false;
  let timer: NodeJS.Timeout | null = null;

  /** The topic's number of stream partitions (given `opts.partitions` on first use when it has none). */
  function partitionsOf(topic: Topic): Promise<number> {
    let p = topics.get(topic);
    if (!p) {
      p = (async () => {
        await pool.query(
          `INSERT INTO analytics.stream_heads (topic, part)
           SELECT $1, generate_series(0, $2 - 1)
           WHERE NOT EXISTS (SELECT 1 FROM analytics.stream_heads WHERE topic = $1)
           ON CONFLICT DO NOTHING`,
          [topic, opts.partitions ?? DEFAULT_PARTITIONS],
        );
        const r = await pool.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM analytics.stream_heads WHERE topic = $1',
          [topic],
        );
        return r.rows[0]!.n;
      })();
      p.catch(() => topics.delete(topic));
      topics.set(topic, p);
    }
    return p;
  }

  /** Maintenance on a timer from first use: soon (30 s at most), then every maintenanceIntervalMs. */
  function startMaintenance(delay = Math.min(maintenanceMs, 30_000)): void {
    if (timer || maintenanceMs <= 0 || closed) return;
    timer = setTimeout(() => {
      days
        .maintain(Date.now(), groupExpiryDays)
        .catch((err: unknown) => {
          if (!closed) log.warn({ err }, 'analytics stream maintenance failed');
        })
        .finally(() => {
          timer = null;
          startMaintenance(maintenanceMs);
        });
    }, delay);
    timer.unref();
  }

  /** Append prepared events with one call of analytics.stream_append on `db` (their day tables must exist). */
  async function append(db: pg.ClientBase | pg.Pool, topic: string, batch: Prepared[]): Promise<void> {
    const parts = batch.length === 1 ? batch[0]!.parts : batch.flatMap((p) => p.parts);
    const times = batch.length === 1 ? batch[0]!.times : batch.flatMap((p) => p.times);
    // Each event's place among the batch's events of its partition: its offset is the partition's head + rank.
    const counts = new Map<number, number>();
    const ranks = parts.map((p) => {
      const r = counts.get(p) ?? 0;
      counts.set(p, r + 1);
      return r;
    });
    await db.query(
      'SELECT analytics.stream_append($1, $2::int2[], $3::int4[], $4::timestamptz[], $5::text)',
      [
        topic,
        arrayLiteral(parts),
        arrayLiteral(ranks),
        arrayLiteral(times),
        joinTexts(batch.map((p) => p.docs)),
      ],
    );
  }
  const queue = new PublishQueue<Prepared>(async (topic, batch) => {
    await days.ensure(daysOf(batch));
    await append(pool, topic, batch);
  }, maxAppend);

  function daysOf(batch: readonly Prepared[]): Set<string> {
    const all = new Set<string>();
    for (const p of batch) for (const d of p.days) all.add(d);
    return all;
  }

  /** The events of one publish or append, prepared in chunks of at most `maxAppend` (none when there are none). */
  async function prepareChunks(topic: Topic, events: readonly LearningEvent[]): Promise<Prepared[]> {
    if (closed) throw new Error('analytics stream is closed');
    if (!events.length) return [];
    const partitions = await partitionsOf(topic);
    startMaintenance();
    const chunks: Prepared[] = [];
    for (let i = 0; i < events.length; i += maxAppend)
      chunks.push(prepare(events.slice(i, i + maxAppend), partitions));
    return chunks;
  }

  function prepare(events: readonly LearningEvent[], partitions: number): Prepared {
    const parts = new Array<number>(events.length);
    const times = new Array<string>(events.length);
    const eventDays = new Set<string>();
    events.forEach((e, i) => {
      parts[i] = partitionOf(e.actor, partitions);
      let ms = Date.parse(e.timestamp);
      let ts = e.timestamp;
      if (!Number.isFinite(ms)) {
        ms = Date.now();
        ts = new Date(ms).toISOString();
      }
      times[i] = ts;
      eventDays.add(dayOf(ms));
    });
    const docs = new Array<string>(events.length);
    for (let i = 0; i < events.length; i += 1) docs[i] = JSON.stringify(events[i]);
    return { parts, times, days: eventDays, docs: joinTexts(docs) };
  }

  return {
    kind: 'postgres',

    async publish(topic, events) {
      const chunks = await prepareChunks(topic, events);
      await Promise.all(chunks.map((c) => queue.push(topic, c.parts.length, c)));
    },

    async appendWithin(client, topic, events) {
      const chunks = await prepareChunks(topic, events);
      // Every day table first, on another connection: creating one locks the whole log, which must not wait on
      // this transaction's own earlier chunk.
      await days.ensure(daysOf(chunks));
      for (const c of chunks) await append(client, topic, [c]);
    },

    async subscribe(topic, group, handler, subOpts: SubscribeOptions = {}) {
      if (closed) throw new Error('analytics stream is closed');
      const partitions = await partitionsOf(topic);
      startMaintenance();
      if (opts.listen !== false) await listener.start();
      const sub = await startGroupMember(
        { pool, logger: log, listener, timing, partitions },
        topic,
        group,
        handler,
        subOpts,
      );
      const tracked: Subscription = {
        stop: async () => {
          subscriptions.delete(tracked);
          await sub.stop();
        },
      };
      subscriptions.add(tracked);
      return tracked;
    },

    async lag(topic, group) {
      await partitionsOf(topic);
      const r = await pool.query<{ lag: number }>(
        `SELECT coalesce(sum(h.next_seq - greatest(coalesce(c.committed, h.low_water), h.low_water)), 0)::float8 AS lag
         FROM analytics.stream_heads h
         LEFT JOIN analytics.stream_consumers c ON c.topic = h.topic AND c.part = h.part AND c.group_id = $2
         WHERE h.topic = $1`,
        [topic, group],
      );
      return Number(r.rows[0]?.lag ?? 0);
    },

    maintain(now = new Date()) {
      return days.maintain(now.getTime(), groupExpiryDays);
    },

    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      await Promise.all([...subscriptions].map((s) => s.stop()));
      await queue.idle();
      await listener.close();
    },
  };
}
