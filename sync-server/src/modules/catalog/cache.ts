interface Entry<V> {
  at: number;
  value: Promise<V>;
  settled: boolean;
  refreshing: boolean;
  weight: number;
}

export interface TtlCacheOptions<V> {
  /** Most entries kept (oldest dropped first). */
  maxEntries?: number;
  /** How long past the TTL a settled value may still be served while it refreshes; default 4 × TTL. */
  staleMs?: number;
  /** Size of a value (e.g. rows held); with maxWeight, bounds memory when values differ a lot in size. */
  weigh?: (value: V) => number;
  maxWeight?: number;
}

/**
 * A small in-process cache of promises with a short time to live.
 * - Concurrent misses for one key share a single load; failed loads are not kept.
 * - Stale-while-revalidate: for a while after the TTL (`staleMs`), the old value is served at once while one
 *   background load refreshes it, so a hot key never makes a request wait for the database.
 * - `clear()` runs whenever the catalog changes, so this node serves its own writes at once; other API nodes
 *   catch up within the TTL.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly maxEntries: number;
  private readonly staleMs: number;
  private weight = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly opts: TtlCacheOptions<V> = {},
  ) {
    this.maxEntries = opts.maxEntries ?? 5000;
    this.staleMs = opts.staleMs ?? ttlMs * 4;
  }

  get(key: string, load: () => Promise<V>): Promise<V> {
    if (this.ttlMs <= 0) return load();
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit) {
      const age = now - hit.at;
      if (age < this.ttlMs) return hit.value;
      if (hit.settled && age < this.ttlMs + this.staleMs) {
        if (!hit.refreshing) {
          hit.refreshing = true;
          const fresh = load();
          // Swap in the new value only when it arrived and nothing cleared or replaced the entry meanwhile.
          fresh.then(
            (v) => {
              if (this.entries.get(key) === hit) this.store(key, fresh, Date.now(), v);
            },
            () => {
              hit.refreshing = false;
            },
          );
        }
        return hit.value;
      }
      this.delete(key);
    }
    const value = load();
    this.store(key, value, now);
    return value;
  }

  /** Store a pending value, or (with `settledValue`) a value that has arrived. */
  private store(key: string, value: Promise<V>, at: number, ...settledValue: [V] | []): void {
    this.delete(key);
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: drop the oldest tenth.
      let n = Math.ceil(this.maxEntries / 10);
      for (const k of this.entries.keys()) {
        this.delete(k);
        if (--n <= 0) break;
      }
    }
    const entry: Entry<V> = { at, value, settled: false, refreshing: false, weight: 0 };
    this.entries.set(key, entry);
    const settle = (v: V) => {
      entry.settled = true;
      if (!this.opts.weigh || this.entries.get(key) !== entry) return;
      entry.weight = this.opts.weigh(v);
      this.weight += entry.weight;
      const max = this.opts.maxWeight ?? Infinity;
      for (const [k, e] of this.entries) {
        if (this.weight <= max) break;
        if (e !== entry) this.delete(k);
      }
    };
    if (settledValue.length) settle(settledValue[0]);
    else
      value.then(settle, () => {
        if (this.entries.get(key) === entry) this.delete(key);
      });
  }

  delete(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.weight -= e.weight;
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.weight = 0;
  }

  get size(): number {
    return this.entries.size;
  }
}
