import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { LearningEvent } from '@lyceum/contracts';
import { connectDatabase, type Database } from '../../../db/client.ts';
import { createTestDatabase } from '../../../../test/harness.ts';
import { DAY_MS, dayOf } from './pg-days.ts';
import { partitionOf } from './partitioner.ts';
import { TOPICS, type Subscription } from './port.ts';
import { createPostgresStream, type PostgresStreamOptions } from './postgres.ts';
import { sampleEvents, sampleSeq } from './test-events.ts';

const logger = pino({ level: 'silent' });
const topic = TOPICS.learning;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fast: PostgresStreamOptions = { heartbeatMs: 100, leaseMs: 1000, pollMs: 500, retryDelayMs: 50 };

describe('event stream on PostgreSQL', { timeout: 60_000 }, () => {
  let url: string;
  let drop: () => Promise<void>;
  let dbs: Database[];
  let cleanup: (() => Promise<void>)[];

  beforeEach(async () => {
    ({ url, drop } = await createTestDatabase());
    dbs = [];
    cleanup = [];
  });
  afterEach(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => {});
    await Promise.all(dbs.map((d) => d.close().catch(() => {})));
    await drop();
  });

  /** A stream instance with its own pool: another process. */
  function open(opts: PostgresStreamOptions = {}) {
    const db = connectDatabase(url, 4);
    dbs.push(db);
    const stream = createPostgresStream(db.pool, logger, { ...fast, ...opts });
    cleanup.push(() => stream.close());
    return { db, stream };
  }
  async function consume(
    stream: ReturnType<typeof open>['stream'],
    group: string,
    into: LearningEvent[],
    at?: Map<string, number>,
  ): Promise<Subscription> {
    return stream.subscribe(topic, group, async (batch) => {
      for (const e of batch) at?.set(e.id, Date.now());
      into.push(...batch);
    });
  }
  async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
    const end = Date.now() + ms;
    while (!(await cond())) {
      if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
      await sleep(10);
    }
  }
  const tableOf = async (db: Database, ids: string[]) =>
    new Map(
      (
        await db.pool.query<{ id: string; t: string }>(
          `SELECT payload::json->>'id' AS id, tableoid::regclass::text AS t FROM analytics.stream_events
           WHERE payload::json->>'id' = ANY ($1::text[])`,
          [ids],
        )
      ).rows.map((r) => [r.id, r.t]),
    );

  it('numbers events in commit order: a publisher that commits late cannot be skipped', async () => {
    const { db, stream } = open();
    const seen: LearningEvent[] = [];
    await consume(stream, 'late-commit', seen);
    const late = sampleEvents('learner', 4, 40);
    const early = sampleEvents('learner', 4, 80).slice(40);
    // A publisher appends inside a transaction it keeps open…
    const tx = await db.pool.connect();
    await tx.query('BEGIN');
    const parts = late.map((e) => partitionOf(e.actor, 8));
    await tx.query(
      'SELECT analytics.stream_append($1, $2::int2[], $3::int4[], $4::timestamptz[], $5::text)',
      [
        topic,
        parts,
        parts.map((p, i) => parts.slice(0, i).filter((q) => q === p).length),
        late.map((e) => e.timestamp),
        late.map((e) => JSON.stringify(e)).join('\u001e'),
      ],
    );
    // …while another publishes to the same partitions: it waits for the first to commit, not overtaking it.
    let earlyDone = false;
    const pending = stream.publish(topic, early).then(() => {
      earlyDone = true;
    });
    await sleep(400);
    expect(earlyDone).toBe(false);
    expect(seen).toEqual([]);
    await tx.query('COMMIT');
    tx.release();
    await pending;
    await until('all delivered', () => seen.length === 80);
    const seqs = new Map(seen.map((e) => [e.id, e]));
    for (const e of [...late, ...early]) expect(seqs.has(e.id)).toBe(true);
    const byActor = new Map<string, number[]>();
    for (const e of seen) byActor.set(e.actor, [...(byActor.get(e.actor) ?? []), sampleSeq(e)]);
    for (const list of byActor.values()) expect(list).toEqual(list.map((_, i) => i));
    // Offsets are gapless per partition and end at the head, even after a rolled-back append.
    const rollback = await db.pool.connect();
    await rollback.query('BEGIN');
    await rollback.query(
      'SELECT analytics.stream_append($1, ARRAY[0]::int2[], ARRAY[0], ARRAY[now()], $2::text)',
      [topic, JSON.stringify(late[0])],
    );
    await rollback.query('ROLLBACK');
    rollback.release();
    await stream.publish(topic, sampleEvents('after-rollback', 8, 16));
    const shape = await db.pool.query<{ n: number; lo: number; hi: number; head: number }>(
      `SELECT count(*)::int AS n, min(seq)::int AS lo, max(seq)::int AS hi, min(h.next_seq)::int AS head
       FROM analytics.stream_events e JOIN analytics.stream_heads h USING (topic, part)
       WHERE e.topic = $1 GROUP BY e.part`,
      [topic],
    );
    for (const p of shape.rows) expect([p.lo, p.hi + 1, p.head]).toEqual([0, p.n, p.n]);
  });

  it('stores events by event time: day tables within the window, the default table outside, moved in later', async () => {
    const { db, stream } = open({ retentionDays: 30, futureDays: 2 });
    const now = Date.now();
    const at = (days: number) => sampleEvents(`t${days}`, 1, 1, new Date(now + days * DAY_MS))[0]!;
    const events = { past3: at(-3), past20: at(-20), past400: at(-400), next1: at(1), next5: at(5) };
    await stream.publish(topic, Object.values(events));
    const where = await tableOf(
      db,
      Object.values(events).map((e) => e.id),
    );
    const table = (days: number) =>
      `analytics.stream_events_p${dayOf(now + days * DAY_MS).replaceAll('-', '')}`;
    expect(where.get(events.past3.id)).toBe(table(-3));
    expect(where.get(events.past20.id)).toBe(table(-20));
    expect(where.get(events.next1.id)).toBe(table(1));
    expect(where.get(events.past400.id)).toBe('analytics.stream_events_default');
    expect(where.get(events.next5.id)).toBe('analytics.stream_events_default');
    // Four days on, maintenance creates the coming days' tables; the early event moves into its own.
    await stream.maintain(new Date(now + 4 * DAY_MS));
    const after = await tableOf(db, [events.next5.id, events.past400.id]);
    expect(after.get(events.next5.id)).toBe(table(5));
    // Past retention by event time, but just published and no group has read it yet: kept.
    expect(after.get(events.past400.id)).toBe('analytics.stream_events_default');
    const seen: LearningEvent[] = [];
    await consume(stream, 'by-time', seen);
    await until('all delivered', () => seen.length === 5);
    expect(new Set(seen.map((e) => e.id))).toEqual(new Set(Object.values(events).map((e) => e.id)));
  });

  it('drops day tables past retention only once every group has committed them', async () => {
    const { db, stream } = open({ retentionDays: 30 });
    const seen: LearningEvent[] = [];
    const idle = await consume(stream, 'processor', seen);
    await idle.stop();
    const now = Date.now();
    const old = sampleEvents('old', 2, 10, new Date(now - 10 * DAY_MS));
    const ancient = sampleEvents('ancient', 2, 10, new Date(now - 400 * DAY_MS));
    await stream.publish(topic, [...old, ...ancient]);
    const day = dayOf(now - 10 * DAY_MS);
    const short = open({ retentionDays: 5 }).stream;
    const count = async () =>
      (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM analytics.stream_events')).rows[0]!
        .n;

    const kept = await short.maintain();
    expect(kept.kept).toContain(day);
    expect(kept.dropped).toEqual([]);
    expect(await count()).toBe(20);

    await consume(stream, 'processor', seen);
    await until('the group caught up', async () => (await stream.lag(topic, 'processor')) === 0);
    const done = await short.maintain();
    expect(done.dropped).toContain(day);
    expect(await count()).toBe(0);
    const t = await db.pool.query('SELECT to_regclass($1) AS t', [
      `analytics.stream_events_p${day.replaceAll('-', '')}`,
    ]);
    expect(t.rows[0]).toEqual({ t: null });
    expect(await stream.lag(topic, 'processor')).toBe(0);
    expect(new Set(seen.map((e) => e.id)).size).toBe(20);

    // A group nobody has run for longer than the expiry no longer holds retention.
    const idleGroup = await consume(open().stream, 'abandoned', []);
    await idleGroup.stop();
    const day12 = dayOf(now - 12 * DAY_MS);
    await stream.publish(topic, sampleEvents('old-again', 2, 4, new Date(now - 12 * DAY_MS)));
    await until('processor caught up', async () => (await stream.lag(topic, 'processor')) === 0);
    expect(await stream.lag(topic, 'abandoned')).toBe(4);
    const expiring = open({ retentionDays: 5, groupExpiryDays: 1 }).stream;
    expect((await expiring.maintain()).kept).toEqual([day12]);
    await db.pool.query(
      `UPDATE analytics.stream_consumers SET updated_at = now() - interval '2 days' WHERE group_id = 'abandoned'`,
    );
    expect((await expiring.maintain()).dropped).toEqual([day12]);
    expect(await count()).toBe(0);
  });

  it('hands a dead member’s partitions to the survivors once its lease expires', async () => {
    const a = open();
    const b = open();
    const seenA: LearningEvent[] = [];
    const seenB: LearningEvent[] = [];
    await consume(a.stream, 'pair', seenA);
    await consume(b.stream, 'pair', seenB);
    const owners = async () =>
      (
        await b.db.pool.query<{ owner: string | null }>(
          `SELECT owner FROM analytics.stream_consumers WHERE group_id = 'pair' ORDER BY part`,
        )
      ).rows.map((r) => r.owner);
    await until('both members lease partitions', async () => {
      const o = await owners();
      return o.every((x) => x !== null) && new Set(o).size === 2;
    });
    // Member A's process dies: no more heartbeats, no goodbye.
    await a.db.pool.end();
    const events = sampleEvents('survivor', 32, 320);
    await b.stream.publish(topic, events);
    await until('the survivor has everything', () => new Set(seenB.map((e) => e.id)).size === 320, 10_000);
    expect(new Set(await owners()).size).toBe(1);
    expect(seenA).toEqual([]);
  });

  it('wakes a consumer by NOTIFY within milliseconds, and polls when it cannot listen', async () => {
    const { db, stream } = open({ pollMs: 60_000 });
    const seen: LearningEvent[] = [];
    const at = new Map<string, number>();
    await consume(stream, 'live', seen, at);
    const latencies: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      const [e] = sampleEvents(`live-${i}`, 1, 1);
      const t0 = Date.now();
      await stream.publish(topic, [e!]);
      await until('delivered', () => at.has(e!.id), 5000);
      latencies.push(at.get(e!.id)! - t0);
    }
    latencies.sort((x, y) => x - y);
    // The poll interval is a minute: only a notification explains these (typically ~5-20 ms on an idle machine).
    expect(latencies[5]).toBeLessThan(250);
    // The listening connection is killed: it reconnects, and wake-ups resume.
    await db.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND query = 'LISTEN analytics_stream'`,
    );
    const [again] = sampleEvents('after-kill', 1, 1);
    await sleep(50);
    await stream.publish(topic, [again!]);
    await until('delivered after reconnecting', () => at.has(again!.id), 5000);

    const polling = open({ listen: false, pollMs: 100 }).stream;
    const polled: LearningEvent[] = [];
    await consume(polling, 'polling', polled);
    const [p] = sampleEvents('polled', 1, 1);
    await stream.publish(topic, [p!]);
    await until('delivered by polling', () => polled.some((e) => e.id === p!.id), 2000);
  });
  it('lingers for more events when a busy fetch finds few, and hands a quiet trickle over at once', async () => {
    const { stream } = open();
    const batches: number[] = [];
    const handedAt: number[] = [];
    const sub = await stream.subscribe(
      topic,
      'linger',
      async (batch) => {
        batches.push(batch.length);
        handedAt.push(Date.now());
      },
      { linger: { ms: 600, from: 10, below: 100 } },
    );
    cleanup.push(() => sub.stop());
    // Fewer than `from` waiting: handed over without waiting.
    const t0 = Date.now();
    await stream.publish(topic, sampleEvents('quiet', 2, 3));
    await until('the trickle is handed over', () => batches.length === 1);
    expect(batches).toEqual([3]);
    expect(handedAt[0]! - t0).toBeLessThan(450);
    // At least `from` waiting: the consumer waits, and what arrives meanwhile joins the same batch.
    await stream.publish(topic, sampleEvents('busy', 4, 20));
    await sleep(150);
    await stream.publish(topic, sampleEvents('busy-more', 4, 20));
    await until('the busy batch is handed over', () => batches.length >= 2);
    await sleep(200);
    expect(batches).toEqual([3, 40]);
  });
});
