/** What one processed batch did, handed to `onBatch` (for /metrics) after it committed. */
export interface BatchReport {
  /** Events handed to the processor. */
  received: number;
  /** Events stored and counted by this batch. */
  inserted: number;
  /** Events already stored (a replay, a redelivery, a repeat within the batch). */
  duplicates: number;
  /** Stored facts whose active time changed because new events now follow them. */
  activeChanges: number;
  /** Processing time of the batch, ms. */
  durationMs: number;
  /** Server time the batch committed (ms since the epoch). */
  committedAt: number;
  /** Per inserted event: from its arrival (`stored`) to the commit that made it visible in the aggregates, ms. */
  latenciesMs: number[];
}

/** Running totals and recent latency quantiles of a processor. */
export interface ProcessorStats {
  batches: number;
  received: number;
  inserted: number;
  duplicates: number;
  failures: number;
  /** Over the most recent events (up to 100,000), ms; null before any. */
  latency: { p50: number; p99: number; max: number } | null;
}

const WINDOW = 100_000;

export function statsRecorder() {
  const totals = { batches: 0, received: 0, inserted: 0, duplicates: 0, failures: 0 };
  const recent = new Float64Array(WINDOW);
  let count = 0;
  return {
    record(r: BatchReport) {
      totals.batches += 1;
      totals.received += r.received;
      totals.inserted += r.inserted;
      totals.duplicates += r.duplicates;
      for (const ms of r.latenciesMs) recent[count++ % WINDOW] = ms;
    },
    failed() {
      totals.failures += 1;
    },
    snapshot(): ProcessorStats {
      const n = Math.min(count, WINDOW);
      if (!n) return { ...totals, latency: null };
      const sorted = recent.slice(0, n).sort();
      const q = (p: number) => sorted[Math.min(n - 1, Math.ceil(p * n) - 1)]!;
      return { ...totals, latency: { p50: q(0.5), p99: q(0.99), max: sorted[n - 1]! } };
    },
  };
}
