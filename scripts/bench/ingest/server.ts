// The sync server of bench:ingest: the real composition (createServer, embedded processor), started from this entry so
// the benchmark can watch the processor from inside the process without changing production code. Hooks:
// - every event's arrival→visible latency: the processor hands each committed batch's per-event latencies (commit
//   time − `stored`) to the processing-latency histogram of /metrics; its `observe` is wrapped to keep them all;
// - processed events over time: the processed counter's `inc` (once per committed batch) is wrapped likewise;
// - where time goes: stream publishes and store transactions are timed by wrapping the module objects' methods, and
//   with BENCH_SQL_TIMING=1 every SQL statement by its first words.
// With BENCH_CPU_PROF=<file>, a V8 CPU profile from /reset to POST /profile/stop (or the stop) is written there.
// A side HTTP port (BENCH_STATS_PORT) answers GET /stats, POST /reset, POST /republish?n= (publish n stored events
// to the stream again, to show the processor absorbs redelivered events).
import fs from 'node:fs';
import http from 'node:http';
import inspector from 'node:inspector/promises';
import type { LearningEvent } from '@lyceum/contracts';
import { createServer } from '../../../sync-server/src/app.ts';
import { timeEverySql } from '../lib/sql-timing.ts';
import { loadConfig } from '../../../sync-server/src/config.ts';
import { PROCESSOR_GROUP } from '../../../sync-server/src/modules/analytics/index.ts';
import { TOPICS } from '../../../sync-server/src/modules/analytics/stream/port.ts';
import { isEmbeddedLog } from '../../../sync-server/src/modules/analytics/stream/postgres.ts';

class Samples {
  private data = new Float64Array(1 << 16);
  n = 0;
  push(x: number): void {
    if (this.n === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.n++] = x;
  }
  quantiles() {
    const s = this.data.slice(0, this.n).sort();
    const q = (p: number) => (this.n ? s[Math.min(this.n - 1, Math.ceil(p * this.n) - 1)]! : null);
    return { count: this.n, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: this.n ? s[this.n - 1]! : null };
  }
}

interface Timer {
  count: number;
  ms: number;
  maxMs: number;
  items: number;
}
const timer = (): Timer => ({ count: 0, ms: 0, maxMs: 0, items: 0 });
const record = (t: Timer, ms: number, items = 0) => {
  t.count += 1;
  t.ms += ms;
  t.maxMs = Math.max(t.maxMs, ms);
  t.items += items;
};

let latencies = new Samples();
let processed: { at: number; n: number }[] = [];
let publishes = timer();
let transactions = timer();
let sql = new Map<string, Timer>();
const sqlTiming = process.env.BENCH_SQL_TIMING === '1';

if (sqlTiming)
  timeEverySql((key, ms) => {
    let t = sql.get(key);
    if (!t) sql.set(key, (t = timer()));
    record(t, ms);
  });

const profileFile = process.env.BENCH_CPU_PROF;
const profiler = profileFile ? new inspector.Session() : null;
let profiling = false;
async function startProfile(): Promise<void> {
  if (!profiler || profiling) return;
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.setSamplingInterval', { interval: 500 });
  await profiler.post('Profiler.start');
  profiling = true;
}
async function saveProfile(): Promise<void> {
  if (!profiler || !profileFile || !profiling) return;
  profiling = false;
  const { profile } = await profiler.post('Profiler.stop');
  fs.writeFileSync(profileFile, JSON.stringify(profile));
  profiler.disconnect();
}

const config = loadConfig();
const server = await createServer({ config });
const { analytics, metrics } = server;

const histogram = metrics.analytics.processingLatency;
const observe = histogram.observe.bind(histogram) as (v: number) => void;
histogram.observe = ((v: number) => {
  latencies.push(v * 1000);
  observe(v);
}) as typeof histogram.observe;
const counter = metrics.analytics.processed;
const inc = counter.inc.bind(counter) as (v?: number) => void;
counter.inc = ((v?: number) => {
  processed.push({ at: Date.now(), n: v ?? 1 });
  inc(v);
}) as typeof counter.inc;

const publish = analytics.stream.publish.bind(analytics.stream);
analytics.stream.publish = async (topic, events) => {
  const t0 = performance.now();
  await publish(topic, events);
  record(publishes, performance.now() - t0, events.length);
};
// The embedded log is appended inside the collector's transaction (collector/recorder.ts) rather than published.
const log = analytics.stream;
if (isEmbeddedLog(log)) {
  const appendWithin = log.appendWithin.bind(log);
  log.appendWithin = async (client, topic, events) => {
    const t0 = performance.now();
    await appendWithin(client, topic, events);
    record(publishes, performance.now() - t0, events.length);
  };
}
const ingest = analytics.store.ingest.bind(analytics.store);
analytics.store.ingest = async (actors, fn) => {
  const t0 = performance.now();
  const out = await ingest(actors, fn);
  record(transactions, performance.now() - t0, actors.length);
  return out;
};

async function stats() {
  const lag = await analytics.stream.lag(TOPICS.learning, PROCESSOR_GROUP);
  const first = processed[0]?.at ?? 0;
  return {
    latencyMs: latencies.quantiles(),
    processed: {
      events: processed.reduce((t, p) => t + p.n, 0),
      firstAt: first || null,
      lastAt: processed[processed.length - 1]?.at ?? null,
      commits: processed,
    },
    processor: analytics.processorStats(),
    lag,
    publishes,
    transactions,
    sql: [...sql.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25),
    memoryMb: Math.round(process.memoryUsage().rss / 1e6),
  };
}

const side = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const answer = (body: unknown) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  };
  void (async () => {
    try {
      if (req.method === 'GET' && url.pathname === '/stats') return answer(await stats());
      if (req.method === 'POST' && url.pathname === '/reset') {
        latencies = new Samples();
        processed = [];
        publishes = timer();
        transactions = timer();
        sql = new Map();
        await startProfile();
        return answer({ ok: true });
      }
      if (req.method === 'POST' && url.pathname === '/profile/stop') {
        await saveProfile();
        return answer({ ok: true });
      }
      if (req.method === 'POST' && url.pathname === '/republish') {
        const n = Number(url.searchParams.get('n') ?? 0);
        const r = await server.database.pool.query<{ payload: LearningEvent }>(
          `SELECT payload::json AS payload FROM analytics.stream_events WHERE topic = $1 ORDER BY random() LIMIT $2`,
          [TOPICS.learning, n],
        );
        await analytics.stream.publish(
          TOPICS.learning,
          r.rows.map((x) => x.payload),
        );
        return answer({ republished: r.rows.length });
      }
      res.statusCode = 404;
      answer({ error: 'not found' });
    } catch (err) {
      res.statusCode = 500;
      answer({ error: String(err) });
    }
  })();
});
await new Promise<void>((resolve) => side.listen(Number(process.env.BENCH_STATS_PORT), '127.0.0.1', resolve));
await server.listen();

const shutdown = () => {
  side.close();
  saveProfile()
    .catch((err: unknown) => process.stderr.write(`profile not saved: ${String(err)}\n`))
    .then(() => server.close())
    .then(
      () => process.exit(0),
      () => process.exit(1),
    );
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
