import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TtlCache } from './cache.ts';

/** A loader that counts its calls and answers `${key}#${call}`. */
function counter() {
  let calls = 0;
  return {
    load: (key: string) => () => Promise.resolve(`${key}#${++calls}`),
    get calls() {
      return calls;
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('TtlCache', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(0);
  });
  afterEach(() => vi.useRealTimers());

  it('shares one load between concurrent misses and serves it until the TTL', async () => {
    const c = new TtlCache<string>(1000);
    const l = counter();
    const [a, b] = await Promise.all([c.get('k', l.load('k')), c.get('k', l.load('k'))]);
    expect([a, b, l.calls]).toEqual(['k#1', 'k#1', 1]);
    vi.setSystemTime(999);
    expect(await c.get('k', l.load('k'))).toBe('k#1');
    expect(l.calls).toBe(1);
  });

  it('serves a stale value while one background load refreshes it, then the fresh one', async () => {
    const c = new TtlCache<string>(1000, { staleMs: 5000 });
    const l = counter();
    await c.get('k', l.load('k'));
    vi.setSystemTime(1500);
    expect(await Promise.all([c.get('k', l.load('k')), c.get('k', l.load('k'))])).toEqual(['k#1', 'k#1']);
    expect(l.calls).toBe(2); // one refresh, not two
    await tick();
    expect(await c.get('k', l.load('k'))).toBe('k#2');
    // Past the stale window the caller waits for a fresh load.
    vi.setSystemTime(1500 + 1000 + 5000);
    expect(await c.get('k', l.load('k'))).toBe('k#3');
  });

  it('does not keep failures, and clear() forgets everything', async () => {
    const c = new TtlCache<string>(1000);
    await expect(c.get('k', () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    await tick();
    expect(await c.get('k', () => Promise.resolve('ok'))).toBe('ok');
    c.clear();
    expect(await c.get('k', () => Promise.resolve('again'))).toBe('again');
  });

  it('a refresh that lands after clear() is not stored', async () => {
    const c = new TtlCache<string>(1000);
    await c.get('k', () => Promise.resolve('old'));
    vi.setSystemTime(1500);
    let release!: (v: string) => void;
    expect(await c.get('k', () => new Promise<string>((r) => (release = r)))).toBe('old');
    c.clear();
    release('from before the change');
    await tick();
    expect(await c.get('k', () => Promise.resolve('new'))).toBe('new');
  });

  it('with a TTL of 0 caches nothing', async () => {
    const c = new TtlCache<string>(0);
    const l = counter();
    await c.get('k', l.load('k'));
    await c.get('k', l.load('k'));
    expect(l.calls).toBe(2);
    expect(c.size).toBe(0);
  });

  it('bounds entries and total weight, dropping the oldest first', async () => {
    const c = new TtlCache<number[]>(10_000, { maxEntries: 100, weigh: (v) => v.length, maxWeight: 10 });
    await c.get('a', async () => [1, 2, 3, 4]);
    await c.get('b', async () => [1, 2, 3, 4]);
    await tick();
    expect(c.size).toBe(2);
    await c.get('c', async () => [1, 2, 3, 4]);
    await tick();
    expect(c.size).toBe(2);
    let reloaded = false;
    await c.get('a', async () => {
      reloaded = true;
      return [1];
    });
    expect(reloaded).toBe(true);
    const small = new TtlCache<string>(10_000, { maxEntries: 10 });
    for (let i = 0; i < 25; i++) await small.get(`k${i}`, async () => 'v');
    expect(small.size).toBeLessThanOrEqual(10);
  });
});
