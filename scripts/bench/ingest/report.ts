// What bench:ingest prints, and the figures it gathers from the server.
import os from 'node:os';
import type { PlatformOverview } from '@lyceum/contracts';
import type { Expected } from './events.ts';
import { LATE_MS, type PhaseResult } from './protocol.ts';
import type { Census, baselineInsert } from './verify.ts';

const TARGET_RATE = 20_000;
const TARGET_P99_MS = 1_000;

export type Row = [measure: string, result: string, target: string, met: string];

export const yes = (ok: boolean) => (ok ? 'yes' : 'NO');
export const n0 = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : Math.round(x).toLocaleString('en');
export const ms = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${n0(x)} ms`);

export function printRows(rows: Row[]): void {
  const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((l) => l[i]!.length), 6));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(w[i]!)).join('  ');
  console.log('');
  console.log(line(['measure', 'result', 'target', 'met']));
  console.log(w.map((x) => '-'.repeat(x)).join('  '));
  for (const r of rows) console.log(line(r));
}

/** "1,234 5,678 …" of a per-second series, for seeing a steady state (or its absence). */
export const series = (xs: number[]) => xs.map((x) => n0(x)).join(' ');

/** What the bench server's side port answers at /stats (see server.ts). */
export interface ServerStats {
  latencyMs: {
    count: number;
    p50: number | null;
    p95: number | null;
    p99: number | null;
    max: number | null;
  };
  /** Commits of the processor: when, and how many events each made visible. */
  processed: {
    events: number;
    firstAt: number | null;
    lastAt: number | null;
    commits: { at: number; n: number }[];
  };
  processor: { batches: number; received: number; inserted: number; duplicates: number; failures: number };
  lag: number;
  publishes: { count: number; ms: number; maxMs: number; items: number };
  transactions: { count: number; ms: number; maxMs: number; items: number };
  sql: [string, { count: number; ms: number; maxMs: number }][];
  memoryMb: number;
}

/** The collector's counters from /metrics (all sources): events collected as new, and duplicates. */
export async function collectorCounters(url: string): Promise<{ collected: number; duplicates: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sum = (name: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
      .reduce((t, l) => t + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  return {
    collected: sum('lyceum_events_collected_total'),
    duplicates: sum('lyceum_events_duplicate_total'),
  };
}

export interface Outcome {
  warm: PhaseResult | null;
  main: PhaseResult;
  /** New events the collector took during the load. */
  collected: number;
  replay: PhaseResult;
  /** What the collector counted during the replay (/metrics): new events and duplicates. */
  replayed: { collected: number; duplicates: number };
  s: ServerStats;
  s2: ServerStats;
  dup0: number;
  republishN: number;
  totals0: PlatformOverview['totals'];
  totals1: PlatformOverview['totals'];
  expected: Expected;
  actors: number;
  c: Census;
  base: Awaited<ReturnType<typeof baselineInsert>>;
  lastVisible: { at: number; events: number } | null;
  /** CPU seconds from the start of the load until the processor caught up. */
  cpu: { server: number; postgres: number };
  waits: Record<string, number>;
  loadAvg: number[];
}

export function report(o: Outcome): void {
  const { main, s, c, totals0: t } = o;
  const loadWall = (main.lastAnswerAt - main.firstSendAt) / 1000;
  const accepted = o.collected / loadWall;
  const processedWall = ((s.processed.lastAt ?? main.firstSendAt) - main.firstSendAt) / 1000;
  const processed = s.processed.events / processedWall;
  const lat = s.latencyMs;
  const visibleAfterLoad = o.lastVisible ? o.lastVisible.at - main.lastSendAt : null;
  // Lost: acknowledged but not in the store, or in the store but not in the rollups.
  const lost = c.sent - c.inFacts;
  const lostRollup = Math.max(0, c.facts.events - t.events);
  // Double-counted: an acknowledged id twice, a fact nobody sent, or rollups counting more than the facts.
  const doubled = c.sentTwice + c.foreignFacts + Math.max(0, t.events - c.facts.events);
  const figures = (
    ['enrollments', 'lessonCompletions', 'courseCompletions', 'quizAnswers', 'ratings'] as const
  ).filter((k) => t[k] !== c.facts[k]);
  const unchanged = JSON.stringify(o.totals0) === JSON.stringify(o.totals1);
  const collectorDup = o.replayed.duplicates;
  const processorDup = o.s2.processor.duplicates - o.dup0;
  const ratio = accepted / o.base.rowsPerSecond;
  const cpuPerEvent = ((o.cpu.server + o.cpu.postgres) * 1e6) / Math.max(1, s.processed.events);
  const p99ok = lat.p99 !== null && lat.p99 <= TARGET_P99_MS;
  const rows: Row[] = [
    [
      'offered load (open loop)',
      `${n0(main.rate)} events/s for ${main.seconds} s: ${n0(main.events)} events in ${n0(main.requests)} requests`,
      '—',
      '—',
    ],
    [
      `requests sent > ${LATE_MS} ms behind schedule`,
      `${n0(main.late)} (worst ${ms(main.maxLateMs)}); most in flight ${main.maxInFlight}`,
      '0',
      yes(main.late === 0),
    ],
    [
      'collector: sustained events/s accepted',
      `${n0(accepted)} /s (${n0(o.collected)} new in ${loadWall.toFixed(1)} s); answers p50 ${ms(main.answerMs.p50)}, p99 ${ms(main.answerMs.p99)}`,
      `≥ ${n0(TARGET_RATE)} /s`,
      yes(accepted >= TARGET_RATE && main.failed === 0),
    ],
    [
      'processor: events/s made visible',
      `${n0(processed)} /s (${n0(s.processed.events)} by ${processedWall.toFixed(1)} s after the load began)`,
      `≥ ${n0(TARGET_RATE)} /s`,
      yes(processed >= TARGET_RATE),
    ],
    [
      'arrival → visible (commit − stored), per event',
      `p50 ${ms(lat.p50)}, p95 ${ms(lat.p95)}, p99 ${ms(lat.p99)}, max ${ms(lat.max)} (${n0(lat.count)} events)`,
      `p99 ≤ ${n0(TARGET_P99_MS)} ms`,
      yes(p99ok),
    ],
    [
      'last event visible in the REST API totals',
      visibleAfterLoad === null
        ? 'never (timed out)'
        : `${ms(visibleAfterLoad)} after the last request was sent (${ms(o.lastVisible!.at - main.lastAnswerAt)} after its answer)`,
      '≤ 1,000 ms',
      yes(visibleAfterLoad !== null && visibleAfterLoad <= TARGET_P99_MS),
    ],
    [
      'requests refused by backpressure (503 collector_busy, sent again)',
      `${n0(main.busy)} of ${n0(main.requests)} requests`,
      '0 at a sustainable rate',
      yes(main.busy === 0),
    ],
    [
      'requests retried (reset, other 5xx) / failed in the end / statements rejected',
      `${main.retried} / ${main.failed} / ${main.rejected}`,
      '0 / 0 / 0',
      yes(main.retried === 0 && main.failed === 0 && main.rejected === 0),
    ],
    [
      'lost: acknowledged, not counted',
      `${n0(lost)} not in the store, ${n0(lostRollup)} stored but not in the rollups (acknowledged ${n0(c.sent)}, raw rows ${n0(c.inStatements)})`,
      '0',
      yes(lost === 0 && lostRollup === 0 && c.inStatements === c.sent),
    ],
    [
      'double-counted',
      `${n0(doubled)}; rollup figures ≠ facts: ${figures.join(', ') || 'none'}`,
      '0',
      yes(doubled === 0 && !figures.length),
    ],
    [
      'replay: duplicates absorbed',
      `collector ${n0(collectorDup)} of ${n0(o.replay.events)} re-sent (${n0(o.replayed.collected)} taken as new); processor ${n0(processorDup)} of ${n0(o.republishN)} redelivered; figures ${unchanged ? 'unchanged' : 'CHANGED'}`,
      'all; unchanged',
      yes(
        o.replayed.collected === 0 &&
          collectorDup === o.replay.events &&
          processorDup >= o.republishN &&
          unchanged,
      ),
    ],
    [
      'baseline: same rows, plain batched INSERT (1,000/stmt)',
      `${n0(o.base.rowsPerSecond)} rows/s (${n0(o.base.rows)} rows in ${o.base.seconds.toFixed(1)} s)`,
      '—',
      '—',
    ],
    ['pipeline vs baseline', `${(ratio * 100).toFixed(0)}% (collected events/s ÷ baseline rows/s)`, '—', '—'],
    [
      'CPU per event, collected to visible',
      `${n0(cpuPerEvent)} µs (server ${n0((o.cpu.server * 1e6) / Math.max(1, s.processed.events))}, PostgreSQL ${n0((o.cpu.postgres * 1e6) / Math.max(1, s.processed.events))}) → at most ${n0((os.cpus().length * 1e6) / cpuPerEvent)} events/s on ${os.cpus().length} idle cores`,
      `≤ ${n0((os.cpus().length * 1e6) / TARGET_RATE)} µs`,
      yes(cpuPerEvent <= (os.cpus().length * 1e6) / TARGET_RATE),
    ],
  ];
  printRows(rows);
  const met = accepted >= TARGET_RATE && processed >= TARGET_RATE && p99ok;
  console.log(
    `\ntargets (≥ ${n0(TARGET_RATE)} events/s sustained, p99 ≤ 1 s to visible): ${met ? 'MET' : 'NOT MET'}; ` +
      `lost ${lost + lostRollup}, double-counted ${doubled}`,
  );
  console.log(`\ncollected per second: ${series(main.perSecond)}`);
  const perSecond: number[] = [];
  for (const x of s.processed.commits) {
    const sec = Math.max(0, Math.floor((x.at - main.firstSendAt) / 1000));
    while (perSecond.length <= sec) perSecond.push(0);
    perSecond[sec]! += x.n;
  }
  console.log(`processed per second: ${series(perSecond)}`);
  console.log(`figures: ${JSON.stringify(t)}; from the facts: ${JSON.stringify(c.facts)}`);
  if (main.failed === 0)
    console.log(
      `the load generator's own tally of what it sent: ${JSON.stringify(o.expected)}; ${o.actors} learners`,
    );
  if (c.unacknowledged)
    console.log(
      `statements of requests never acknowledged: ${n0(c.unacknowledged)}, of which stored anyway: ${n0(c.unacknowledgedStored)}`,
    );
  const perTx = s.transactions.count ? s.transactions.ms / s.transactions.count : 0;
  const processorLine = s.transactions.count
    ? `processor: ${s.transactions.count} store transactions, ${n0(s.processed.events / s.transactions.count)} events each, ` +
      `${perTx.toFixed(0)} ms mean, ${s.transactions.maxMs.toFixed(0)} ms max`
    : `processor: in its worker thread (ANALYTICS_PROCESSOR=thread), ${n0(s.processor.batches)} batches, ` +
      `${n0(s.processor.received / Math.max(1, s.processor.batches))} events each`;
  console.log(
    `${processorLine}; stream appends (in the collector's transaction when embedded): ${s.publishes.count}, ` +
      `${(s.publishes.ms / Math.max(1, s.publishes.count)).toFixed(0)} ms mean, ${s.publishes.maxMs.toFixed(0)} ms max`,
  );
  if (s.sql.length)
    console.log(
      `SQL by wall time (from the call to its result, so event-loop delay included):\n${s.sql
        .map(([k, v]) => `  ${v.ms.toFixed(0).padStart(7)} ms ${String(v.count).padStart(6)}× ${k}`)
        .join('\n')}`,
    );
  console.log(
    `database wait samples during the load (active connections × samples every 250 ms): ${JSON.stringify(o.waits)}`,
  );
  console.log(
    `CPU from the load's start until the processor caught up: server ${o.cpu.server.toFixed(1)} s, PostgreSQL ${o.cpu.postgres.toFixed(1)} s; ` +
      `load generator ${main.cpuSeconds.toFixed(1)} s (sending; its requests were built before); server RSS ${s.memoryMb} MB`,
  );
  console.log(
    `load average before the load: ${o.loadAvg.map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} cores (other work on this machine skews every figure)`,
  );
  for (const p of [o.warm, main, o.replay])
    if (p?.failures.length) console.log(`${p.name}: ${p.failures.join(' | ')}`);
}
