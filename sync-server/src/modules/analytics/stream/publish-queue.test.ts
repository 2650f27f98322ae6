import { describe, expect, it } from 'vitest';
import { PublishQueue } from './publish-queue.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));

/** A queue whose writes finish when the test says so; records what each write held and how many overlapped. */
function harness(lanes: number, max = 10) {
  const writes: { topic: string; items: number[]; done: (err?: Error) => void }[] = [];
  let running = 0;
  let most = 0;
  const q = new PublishQueue<number>(
    (topic, items) =>
      new Promise<void>((resolve, reject) => {
        running += 1;
        most = Math.max(most, running);
        writes.push({
          topic,
          items,
          done: (err) => {
            running -= 1;
            if (err) reject(err);
            else resolve();
          },
        });
      }),
    max,
    lanes,
  );
  return { q, writes, most: () => most };
}

describe('PublishQueue (group commit)', () => {
  it('with one lane, writes one batch at a time and merges the calls that waited', async () => {
    const h = harness(1);
    const done = [1, 2, 3, 4].map((n) => h.q.push('t', 1, n));
    await tick();
    expect(h.writes.map((w) => w.items)).toEqual([[1]]);
    h.writes[0]!.done();
    await tick();
    expect(h.writes.map((w) => w.items)).toEqual([[1], [2, 3, 4]]);
    h.writes[1]!.done();
    await Promise.all(done);
    await h.q.idle();
    expect(h.most()).toBe(1);
  });

  it('with two lanes, overlaps two writes and never more; idle() waits for both', async () => {
    const h = harness(2, 3);
    const done = [1, 2, 3, 4, 5, 6].map((n) => h.q.push('t', 1, n));
    await tick();
    expect(h.writes.map((w) => w.items)).toEqual([[1], [2]]);
    let idle = false;
    void h.q.idle().then(() => (idle = true));
    h.writes[1]!.done();
    await tick();
    expect(h.writes.map((w) => w.items)).toEqual([[1], [2], [3, 4, 5]]);
    h.writes[0]!.done();
    await tick();
    expect(h.writes[3]!.items).toEqual([6]);
    h.writes[2]!.done();
    h.writes[3]!.done();
    await Promise.all(done);
    await tick();
    expect(idle).toBe(true);
    expect(h.most()).toBe(2);
  });

  it('rejects only the calls of a failed write, and a call after the lanes went idle is written', async () => {
    const h = harness(2);
    const a = h.q.push('t', 1, 1);
    const b = h.q.push('t', 1, 2);
    await tick();
    h.writes[0]!.done(new Error('disk full'));
    h.writes[1]!.done();
    await expect(a).rejects.toThrow('disk full');
    await expect(b).resolves.toBeUndefined();
    await h.q.idle();
    const c = h.q.push('u', 1, 3);
    await tick();
    expect(h.writes[2]).toMatchObject({ topic: 'u', items: [3] });
    h.writes[2]!.done();
    await expect(c).resolves.toBeUndefined();
  });
});
