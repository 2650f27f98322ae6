// The load generator of bench:content, run in its own process: `connections` simulated players, each on its own
// keep-alive connection, walking an HLS session (master playlist, media playlist, init segment, every media segment)
// in a loop from a random starting point. Whole responses are read and counted; a response whose length differs from
// its content-length counts as an error. Settings come as JSON in BENCH_LOAD; the result is one JSON line on stdout.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';

export interface LoadSettings {
  /** Origin, e.g. http://127.0.0.1:4000 */
  url: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  /** Request paths of a player session, one list per rendition; player i walks sessions[i % sessions.length]. */
  sessions: string[][];
  /** Processes whose CPU time over the measurement window is reported (the server under load). */
  watchPids?: number[];
}

export interface LoadReport {
  seconds: number;
  requests: number;
  bytes: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** CPU seconds (user + system) the watched processes used during the window. */
  serverCpuSeconds: number;
  /** First few failures, for the report. */
  samples: string[];
}

const settings = JSON.parse(process.env.BENCH_LOAD ?? '{}') as LoadSettings;
const origin = new URL(settings.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: settings.connections, scheduling: 'fifo' });

interface Outcome {
  status: number;
  bytes: number;
  ms: number;
  error?: string;
}

function get(path: string): Promise<Outcome> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      { host: origin.hostname, port: origin.port, path, method: 'GET', agent },
      (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
        });
        res.on('end', () => {
          const declared = Number(res.headers['content-length'] ?? bytes);
          resolve({
            status: res.statusCode ?? 0,
            bytes,
            ms: performance.now() - t0,
            ...(declared !== bytes ? { error: `${path}: ${bytes} of ${declared} bytes` } : {}),
          });
        });
        res.on('error', (e) => resolve({ status: 0, bytes, ms: performance.now() - t0, error: e.message }));
      },
    );
    req.on('error', (e) => resolve({ status: 0, bytes: 0, ms: performance.now() - t0, error: e.message }));
    req.end();
  });
}

const ticks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
/** CPU seconds used so far by the watched processes (/proc, Linux). */
function watchedCpu(): number {
  let total = 0;
  for (const pid of settings.watchPids ?? []) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / ticks;
    } catch {
      /* gone */
    }
  }
  return total;
}

const latencies: number[] = [];
const report: LoadReport = {
  seconds: 0,
  requests: 0,
  bytes: 0,
  p50: 0,
  p99: 0,
  non2xx: 0,
  errors: 0,
  serverCpuSeconds: 0,
  samples: [],
};
const t0 = performance.now();
const measureFrom = t0 + settings.warmupSeconds * 1000;
const measureTo = measureFrom + settings.seconds * 1000;

async function player(i: number): Promise<void> {
  const session = settings.sessions[i % settings.sessions.length]!;
  let k = Math.floor(Math.random() * session.length);
  while (performance.now() < measureTo) {
    const r = await get(session[k++ % session.length]!);
    const ended = performance.now();
    if (ended < measureFrom || ended > measureTo) continue; // counted: what completes inside the window
    if (r.error || r.status === 0) {
      report.errors++;
      if (report.samples.length < 5) report.samples.push(r.error ?? 'no response');
      continue;
    }
    if (r.status < 200 || r.status > 299) {
      report.non2xx++;
      if (report.samples.length < 5) report.samples.push(`status ${r.status}`);
    }
    report.requests++;
    report.bytes += r.bytes;
    latencies.push(r.ms);
  }
}

let cpuAtStart = 0;
let sampledAt = 0;
setTimeout(() => {
  cpuAtStart = watchedCpu();
  sampledAt = performance.now();
}, measureFrom - performance.now());
setTimeout(() => {
  // Scaled to the window; 0 (unknown) when this process was held up so long the samples say nothing.
  const elapsed = performance.now() - sampledAt;
  const window = settings.seconds * 1000;
  report.serverCpuSeconds =
    Math.abs(elapsed - window) < window * 0.2 ? ((watchedCpu() - cpuAtStart) * window) / elapsed : 0;
}, measureTo - performance.now());
await Promise.all(Array.from({ length: settings.connections }, (_, i) => player(i)));
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)]! : NaN;
report.seconds = settings.seconds;
report.p50 = pct(0.5);
report.p99 = pct(0.99);
agent.destroy();
process.stdout.write(`${JSON.stringify(report)}\n`);
