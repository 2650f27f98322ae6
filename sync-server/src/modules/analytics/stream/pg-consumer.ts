import os from 'node:os';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { LearningEvent } from '@lyceum/contracts';
import { newId } from '../../../lib/ids.ts';
import type { SubscribeOptions, Subscription, Topic } from './port.ts';
import { CHANNEL, type StreamListener } from './pg-listener.ts';
import { Waker } from './waker.ts';

export interface ConsumerTiming {
  /** A member that has not renewed its leases for this long loses its partitions to the others (ms). */
  leaseMs: number;
  /** Membership heartbeat and lease renewal interval (ms); well below leaseMs. */
  heartbeatMs: number;
  /** Fetch at least this often when no notification arrives (ms). */
  pollMs: number;
  /** Wait before a batch whose handler failed is delivered again (ms). */
  retryDelayMs: number;
}

export interface ConsumerDeps {
  pool: pg.Pool;
  logger: Logger;
  listener: StreamListener;
  timing: ConsumerTiming;
  /** Stream partitions of the topic: 0 … partitions - 1. */
  partitions: number;
}

type Handler = (batch: LearningEvent[]) => Promise<void>;

/** Join `group` on `topic` as a new member; resolves once it has joined and taken the free partitions it is dealt. */
export async function startGroupMember(
  deps: ConsumerDeps,
  topic: Topic,
  group: string,
  handler: Handler,
  opts: SubscribeOptions = {},
): Promise<Subscription> {
  const member = new GroupMember(deps, topic, group, handler, opts);
  await member.start();
  return { stop: () => member.stop() };
}

/**
 * One member of a consumer group. Members heartbeat into stream_members; the live members, sorted, deal the stream
 * partitions by rank (partition p goes to rank p mod n), and a member leases the partitions it is dealt in
 * stream_consumers once they are free (no owner, or an expired lease). It releases partitions dealt elsewhere only
 * between batches, after committing, so a hand-over neither loses nor repeats events. Commits are fenced by the
 * lease: a member that lost a partition (it stalled past its lease) cannot move the group's offset.
 */
class GroupMember {
  private readonly id = `${newId()}@${os.hostname()}`;
  /** Leased partitions and the next offset to read (= the committed offset: nothing is read ahead). */
  private readonly owned = new Map<number, number>();
  private desired = new Set<number>();
  private rebalance = true;
  private stopped = false;
  private stopping: Promise<void> | null = null;
  private readonly waker = new Waker();
  private readonly stopWaker = new Waker();
  private loopDone: Promise<void> = Promise.resolve();
  private beat: Promise<void> = Promise.resolve();
  private beating = false;
  private beatAgain = false;
  private timer: NodeJS.Timeout | null = null;
  private off: (() => void) | null = null;
  private readonly maxBatch: number;
  private readonly log: Logger;

  constructor(
    private readonly deps: ConsumerDeps,
    private readonly topic: Topic,
    private readonly group: string,
    private readonly handler: Handler,
    private readonly opts: SubscribeOptions,
  ) {
    this.maxBatch = Math.max(1, opts.maxBatch ?? 5000);
    this.log = deps.logger.child({ topic, group, member: this.id });
  }

  private q<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<pg.QueryResult<R>> {
    return this.deps.pool.query<R>(sql, params);
  }

  async start(): Promise<void> {
    await this.q(
      `INSERT INTO analytics.stream_consumers (topic, group_id, part, committed)
       SELECT topic, $2, part, low_water FROM analytics.stream_heads WHERE topic = $1
       ON CONFLICT DO NOTHING`,
      [this.topic, this.group],
    );
    this.off = this.deps.listener.on((payload) => {
      if (payload === `e:${this.topic}`) this.waker.wake();
      else if (payload === `g:${this.topic}|${this.group}`) void this.heartbeat();
      else if (payload === '*') {
        this.waker.wake();
        void this.heartbeat();
      }
    });
    await this.heartbeat();
    await this.notifyGroup();
    await this.rebalanceNow();
    this.timer = setInterval(() => void this.heartbeat(), this.deps.timing.heartbeatMs);
    this.timer.unref();
    this.loopDone = this.loop();
  }

  private async notifyGroup(): Promise<void> {
    await this.q('SELECT pg_notify($1, $2)', [CHANNEL, `g:${this.topic}|${this.group}`]);
  }

  /** Heartbeat now; a call while one runs makes it run once more (membership may have changed meanwhile). */
  private heartbeat(): Promise<void> {
    if (this.beating) {
      this.beatAgain = true;
      return this.beat;
    }
    this.beating = true;
    this.beat = (async () => {
      do {
        this.beatAgain = false;
        await this.beatOnce().catch((err: unknown) => this.log.warn({ err }, 'stream heartbeat failed'));
      } while (this.beatAgain && !this.stopped);
      this.beating = false;
    })();
    return this.beat;
  }

  private async beatOnce(): Promise<void> {
    if (this.stopped) return;
    const { leaseMs } = this.deps.timing;
    const members = await this.q<{ member: string }>(
      `WITH me AS (
         INSERT INTO analytics.stream_members (topic, group_id, member, expires_at)
         VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond')
         ON CONFLICT (topic, group_id, member) DO UPDATE SET expires_at = excluded.expires_at
         RETURNING member)
       SELECT member FROM analytics.stream_members
       WHERE topic = $1 AND group_id = $2 AND expires_at > now() AND member <> $3
       UNION SELECT member FROM me ORDER BY member`,
      [this.topic, this.group, this.id, leaseMs],
    );
    const list = members.rows.map((r) => r.member);
    const rank = list.indexOf(this.id);
    const desired = new Set<number>();
    for (let p = 0; p < this.deps.partitions; p += 1) if (p % list.length === rank) desired.add(p);
    if (this.owned.size) {
      const held = new Set(this.owned.keys());
      const renewed = await this.q<{ part: number }>(
        `UPDATE analytics.stream_consumers SET lease_until = now() + $4 * interval '1 millisecond', updated_at = now()
         WHERE topic = $1 AND group_id = $2 AND owner = $3 RETURNING part`,
        [this.topic, this.group, this.id, leaseMs],
      );
      this.forgetLost(held, new Set(renewed.rows.map((r) => Number(r.part))));
    }
    this.desired = desired;
    const owned = [...this.owned.keys()];
    if (owned.length !== desired.size || owned.some((p) => !desired.has(p))) {
      this.rebalance = true;
      this.waker.wake();
    }
  }

  /**
   * Of the partitions `held` when a fenced update started, those it did not find leased to this member any more were
   * taken over while this one stalled: forget them (their uncommitted batch is delivered again there).
   */
  private forgetLost(held: Set<number>, kept: Set<number>): void {
    for (const p of [...this.owned.keys()]) {
      if (!held.has(p) || kept.has(p)) continue;
      this.owned.delete(p);
      this.log.warn({ part: p }, 'stream partition lease lost to another member');
    }
  }

  /** Release the partitions dealt elsewhere (we are between batches: all committed) and lease the free ones dealt here. */
  private async rebalanceNow(): Promise<void> {
    this.rebalance = false;
    const release = [...this.owned.keys()].filter((p) => !this.desired.has(p));
    if (release.length) {
      // Forgotten first, so a heartbeat running meanwhile does not take the release for a lost lease.
      for (const p of release) this.owned.delete(p);
      await this.q(
        `UPDATE analytics.stream_consumers SET owner = NULL, lease_until = NULL, updated_at = now()
         WHERE topic = $1 AND group_id = $2 AND owner = $3 AND part = ANY ($4::int2[])`,
        [this.topic, this.group, this.id, release],
      );
      await this.notifyGroup();
    }
    const want = [...this.desired].filter((p) => !this.owned.has(p));
    if (!want.length) return;
    const r = await this.q<{ part: number; committed: number }>(
      `UPDATE analytics.stream_consumers
       SET owner = $3, lease_until = now() + $5 * interval '1 millisecond', updated_at = now()
       WHERE topic = $1 AND group_id = $2 AND part = ANY ($4::int2[])
         AND (owner IS NULL OR owner = $3 OR lease_until < now())
       RETURNING part, committed`,
      [this.topic, this.group, this.id, want, this.deps.timing.leaseMs],
    );
    for (const row of r.rows) this.owned.set(Number(row.part), Number(row.committed));
  }

  private async fetch(): Promise<{ events: LearningEvent[]; next: Map<number, number>; full: boolean }> {
    const parts = [...this.owned.entries()];
    const per = Math.max(1, Math.ceil(this.maxBatch / parts.length));
    const r = await this.q<{ part: number; seq: number; payload: string }>(
      `SELECT x.part, e.seq, e.payload
       FROM unnest($2::int2[], $3::int8[]) AS x(part, from_seq)
       CROSS JOIN LATERAL (
         SELECT seq, payload FROM analytics.stream_events e
         WHERE e.topic = $1 AND e.part = x.part AND e.seq >= x.from_seq
         ORDER BY e.seq LIMIT $4
       ) AS e`,
      [this.topic, parts.map(([p]) => p), parts.map(([, s]) => s), per],
    );
    const events: LearningEvent[] = [];
    const next = new Map<number, number>();
    const counts = new Map<number, number>();
    for (const row of r.rows) {
      const part = Number(row.part);
      events.push(JSON.parse(row.payload) as LearningEvent);
      next.set(part, Number(row.seq) + 1);
      counts.set(part, (counts.get(part) ?? 0) + 1);
    }
    return { events, next, full: [...counts.values()].some((n) => n >= per) };
  }

  /** Move the group's offsets past a handled batch, for the partitions this member still leases. */
  private async commit(next: Map<number, number>): Promise<void> {
    const parts = [...next.keys()];
    const r = await this.q<{ part: number }>(
      `UPDATE analytics.stream_consumers c
       SET committed = x.next, lease_until = now() + $6 * interval '1 millisecond', updated_at = now()
       FROM unnest($3::int2[], $4::int8[]) AS x(part, next)
       WHERE c.topic = $1 AND c.group_id = $2 AND c.part = x.part AND c.owner = $5
       RETURNING c.part`,
      [this.topic, this.group, parts, parts.map((p) => next.get(p)!), this.id, this.deps.timing.leaseMs],
    );
    const done = new Set(r.rows.map((row) => Number(row.part)));
    for (const p of done) if (this.owned.has(p)) this.owned.set(p, next.get(p)!);
    this.forgetLost(new Set(parts), done);
  }

  private async loop(): Promise<void> {
    const { pollMs, retryDelayMs } = this.deps.timing;
    while (!this.stopped) {
      const gen = this.waker.generation;
      try {
        if (this.rebalance) await this.rebalanceNow();
        if (this.owned.size === 0) {
          await this.waker.wait(gen, pollMs);
          continue;
        }
        let batch = await this.fetch();
        if (!batch.events.length) {
          await this.waker.wait(gen, pollMs);
          continue;
        }
        const linger = this.opts.linger;
        if (
          linger &&
          !batch.full &&
          batch.events.length >= linger.from &&
          batch.events.length < linger.below
        ) {
          await this.stopWaker.wait(this.stopWaker.generation, linger.ms);
          if (this.stopped) break;
          batch = await this.fetch();
        }
        try {
          await this.handler(batch.events);
        } catch (err) {
          if (this.opts.onError) this.opts.onError(err);
          else this.log.error({ err }, 'stream handler failed; the batch will be delivered again');
          await this.stopWaker.wait(this.stopWaker.generation, retryDelayMs);
          continue;
        }
        await this.commit(batch.next);
        if (!batch.full) await this.waker.wait(gen, pollMs);
      } catch (err) {
        if (this.stopped) break;
        this.log.warn({ err }, 'stream consumer step failed; retrying');
        await this.stopWaker.wait(this.stopWaker.generation, retryDelayMs);
      }
    }
  }

  stop(): Promise<void> {
    this.stopping ??= this.leave();
    return this.stopping;
  }

  private async leave(): Promise<void> {
    this.stopped = true;
    this.waker.wake();
    this.stopWaker.wake();
    await this.loopDone;
    if (this.timer) clearInterval(this.timer);
    this.off?.();
    await this.beat;
    try {
      await this.q(
        `UPDATE analytics.stream_consumers SET owner = NULL, lease_until = NULL, updated_at = now()
         WHERE topic = $1 AND group_id = $2 AND owner = $3`,
        [this.topic, this.group, this.id],
      );
      await this.q(
        'DELETE FROM analytics.stream_members WHERE topic = $1 AND group_id = $2 AND member = $3',
        [this.topic, this.group, this.id],
      );
      await this.notifyGroup();
    } catch (err) {
      this.log.warn({ err }, 'stream member could not leave its group cleanly; its leases will expire');
    }
    this.owned.clear();
  }
}
