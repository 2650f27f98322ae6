import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LearningEvent } from '@lyceum/contracts';
import { TOPICS, type EventStream, type Subscription } from './port.ts';
import { sampleEvents, sampleSeq } from './test-events.ts';

/** The backend an adapter runs against, as the contract suite sees it. */
export interface ContractBackend {
  /** A new, independent stream instance (its own connections): another process of the same installation. */
  open(): EventStream;
  /** How long a group needs to deal out its partitions after a member joined (ms). */
  settleMs: number;
  /** How long deliveries may take before a test gives up (ms). */
  timeoutMs: number;
  close(): Promise<void>;
}

const topic = TOPICS.learning;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Records what a subscription was handed (every delivery, including redeliveries). */
function recorder() {
  const seen: LearningEvent[] = [];
  return { seen, handler: async (batch: LearningEvent[]) => void seen.push(...batch) };
}

const idsOf = (events: readonly LearningEvent[]) => new Set(events.map((e) => e.id));
const mine = (seen: readonly LearningEvent[], ids: Set<string>) => seen.filter((e) => ids.has(e.id));

/**
 * The event stream contract, one suite for both adapters. Topics are shared by the tests (and, on Kafka, by earlier
 * runs), so every test uses groups and actors of its own and looks only at the events it published; a new group
 * starts from the beginning of the log, so "caught up" means lag 0.
 */
export function streamContract(label: string, makeBackend: () => Promise<ContractBackend>): void {
  describe(`event stream contract: ${label}`, { timeout: 120_000 }, () => {
    let backend: ContractBackend;
    let opened: EventStream[] = [];
    let subs: Subscription[] = [];

    beforeAll(async () => {
      backend = await makeBackend();
    });
    afterEach(async () => {
      await Promise.all(subs.map((s) => s.stop()));
      await Promise.all(opened.map((s) => s.close()));
      subs = [];
      opened = [];
    });
    afterAll(async () => {
      await backend?.close();
    });

    const open = () => {
      const s = backend.open();
      opened.push(s);
      return s;
    };
    const join = async (
      s: EventStream,
      group: string,
      handler: (b: LearningEvent[]) => Promise<void>,
      onError?: (err: unknown) => void,
    ) => {
      const sub = await s.subscribe(topic, group, handler, {
        maxBatch: 500,
        ...(onError ? { onError } : {}),
      });
      subs.push(sub);
      return sub;
    };
    async function until(what: string, cond: () => boolean | Promise<boolean>): Promise<void> {
      const end = Date.now() + backend.timeoutMs;
      while (!(await cond())) {
        if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
        await sleep(25);
      }
    }
    const caughtUp = (s: EventStream, group: string) =>
      until(`group ${group} has no lag`, async () => (await s.lag(topic, group)) === 0);
    const allSeen = (seen: () => readonly LearningEvent[], ids: Set<string>) =>
      until(`all ${ids.size} events are delivered`, () => idsOf(mine(seen(), ids)).size === ids.size);

    it('delivers each actor’s events in the order they were published', async () => {
      const s = open();
      const group = `order-${randomUUID()}`;
      const r = recorder();
      await join(s, group, r.handler);
      const events = sampleEvents(`order-${randomUUID()}`, 20, 900);
      for (let i = 0; i < events.length; i += 300) await s.publish(topic, events.slice(i, i + 300));
      const ids = idsOf(events);
      await allSeen(() => r.seen, ids);
      const byActor = new Map<string, number[]>();
      for (const e of mine(r.seen, ids))
        byActor.set(e.actor, [...(byActor.get(e.actor) ?? []), sampleSeq(e)]);
      expect(byActor.size).toBe(20);
      for (const seqs of byActor.values()) expect(seqs).toEqual(seqs.map((_, i) => i));
      const got = mine(r.seen, ids).find((e) => e.id === events[0]!.id);
      expect(got).toEqual(events[0]);
    });

    it('delivers a batch again, uncommitted, when the handler fails', async () => {
      const s = open();
      const group = `retry-${randomUUID()}`;
      let failing = false;
      const failed: LearningEvent[][] = [];
      const errors: unknown[] = [];
      const handled: LearningEvent[] = [];
      await join(
        s,
        group,
        async (batch) => {
          if (failing) {
            failed.push(batch);
            throw new Error('processor down');
          }
          handled.push(...batch);
        },
        (err) => errors.push(err),
      );
      await caughtUp(s, group);
      failing = true;
      const events = sampleEvents(`retry-${randomUUID()}`, 5, 40);
      await s.publish(topic, events);
      await until('the handler failed twice', () => failed.length >= 2);
      expect(await s.lag(topic, group)).toBe(events.length);
      expect(errors.length).toBeGreaterThanOrEqual(2);
      expect((errors[0] as Error).message).toBe('processor down');
      failing = false;
      const ids = idsOf(events);
      await allSeen(() => handled, ids);
      await caughtUp(s, group);
      const failedIds = idsOf(failed.flat());
      expect([...failedIds].every((id) => idsOf(handled).has(id))).toBe(true);
      expect(failedIds.size).toBeGreaterThan(0);
    });

    it('keeps committed offsets across a restart: nothing is lost or delivered twice', async () => {
      const group = `restart-${randomUUID()}`;
      const prefix = `restart-${randomUUID()}`;
      const first = open();
      const r1 = recorder();
      const sub = await join(first, group, r1.handler);
      const before = sampleEvents(prefix, 10, 200);
      await first.publish(topic, before);
      await allSeen(() => r1.seen, idsOf(before));
      await caughtUp(first, group);
      await sub.stop();
      await first.close();

      const publisher = open();
      const after = sampleEvents(`${prefix}-b`, 10, 200);
      await publisher.publish(topic, after);
      expect(await publisher.lag(topic, group)).toBe(after.length);

      const second = open();
      const r2 = recorder();
      await join(second, group, r2.handler);
      await allSeen(() => r2.seen, idsOf(after));
      await caughtUp(second, group);
      expect(mine(r2.seen, idsOf(before))).toEqual([]);
      expect(mine(r2.seen, idsOf(after))).toHaveLength(after.length);
    });

    it('gives every consumer group every event', async () => {
      const s = open();
      const a = recorder();
      const b = recorder();
      await join(s, `groups-a-${randomUUID()}`, a.handler);
      await join(open(), `groups-b-${randomUUID()}`, b.handler);
      const events = sampleEvents(`groups-${randomUUID()}`, 30, 600);
      await s.publish(topic, events);
      const ids = idsOf(events);
      await allSeen(() => a.seen, ids);
      await allSeen(() => b.seen, ids);
      expect(mine(a.seen, ids)).toHaveLength(events.length);
      expect(mine(b.seen, ids)).toHaveLength(events.length);
    });

    it('splits the partitions between two members of a group, each event to one of them', async () => {
      const group = `split-${randomUUID()}`;
      const a = recorder();
      const b = recorder();
      await join(open(), group, a.handler);
      await join(open(), group, b.handler);
      await sleep(backend.settleMs);
      const events = sampleEvents(`split-${randomUUID()}`, 64, 1280);
      await open().publish(topic, events);
      const ids = idsOf(events);
      await allSeen(() => [...a.seen, ...b.seen], ids);
      const ofA = mine(a.seen, ids);
      const ofB = mine(b.seen, ids);
      expect(ofA.length + ofB.length).toBe(events.length);
      expect(ofA.length).toBeGreaterThan(0);
      expect(ofB.length).toBeGreaterThan(0);
      const actorsA = new Set(ofA.map((e) => e.actor));
      expect(ofB.filter((e) => actorsA.has(e.actor))).toEqual([]);
    });

    it('counts the lag of a group: events published and not yet committed', async () => {
      const s = open();
      const group = `lag-${randomUUID()}`;
      const sub = await join(s, group, recorder().handler);
      await caughtUp(s, group);
      await sub.stop();
      await s.publish(topic, sampleEvents(`lag-${randomUUID()}`, 7, 123));
      expect(await s.lag(topic, group)).toBe(123);
      await s.publish(topic, sampleEvents(`lag-${randomUUID()}`, 3, 7));
      expect(await s.lag(topic, group)).toBe(130);
      expect(await s.lag(topic, `never-subscribed-${randomUUID()}`)).toBeGreaterThanOrEqual(130);
      await join(s, group, recorder().handler);
      await caughtUp(s, group);
    });

    it('never lets concurrent publishers make a consumer skip an event', async () => {
      const consumer = open();
      const r = recorder();
      const group = `concurrent-${randomUUID()}`;
      await join(consumer, group, r.handler);
      const publishers = [open(), open(), open()];
      const all: LearningEvent[] = [];
      await Promise.all(
        publishers.map(async (p, k) => {
          const events = sampleEvents(`concurrent-${k}-${randomUUID()}`, 12, 480);
          all.push(...events);
          // Many small, overlapping publishes: commits interleave while the consumer is reading.
          for (let i = 0; i < events.length; i += 8) {
            await p.publish(topic, events.slice(i, i + 8));
            if (i % 64 === 0) await sleep(Math.random() * 5);
          }
        }),
      );
      const ids = idsOf(all);
      await allSeen(() => r.seen, ids);
      await caughtUp(consumer, group);
      const got = mine(r.seen, ids);
      expect(got).toHaveLength(all.length);
      const byActor = new Map<string, number[]>();
      for (const e of got) byActor.set(e.actor, [...(byActor.get(e.actor) ?? []), sampleSeq(e)]);
      for (const seqs of byActor.values()) expect(seqs).toEqual(seqs.map((_, i) => i));
    });

    it('delivers events whose time is days (or years) in the past or ahead', async () => {
      const s = open();
      const r = recorder();
      const group = `late-${randomUUID()}`;
      await join(s, group, r.handler);
      const day = 86_400_000;
      const events = [3, 20, 400, -1].flatMap((daysAgo) =>
        sampleEvents(`late-${daysAgo}-${randomUUID()}`, 3, 30, new Date(Date.now() - daysAgo * day)),
      );
      await s.publish(topic, events);
      const ids = idsOf(events);
      await allSeen(() => r.seen, ids);
      expect(
        mine(r.seen, ids)
          .map((e) => e.timestamp)
          .sort(),
      ).toEqual(events.map((e) => e.timestamp).sort());
    });
  });
}
