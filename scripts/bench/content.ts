// npm run bench:content — HLS delivery under load: 200 simulated players (a separate load-generator process, one
// keep-alive connection each) fetch playlists, init segments and media segments of a video packaged by the real
// pipeline, over loopback, from the sync server's signed delivery route (/content/t/<exp>/<sig>/…); beside it, in the
// same run, a plain static file server (serve-static on node:http) over the same storage folder, with the same load.
// Rounds alternate the order. Then packaging time per minute of 720p input, as a ratio to ffmpeg run directly
// (bench:packaging's code).
// Knobs: BENCH_CONNECTIONS (200), BENCH_SECONDS per measurement (4), BENCH_ROUNDS (6), BENCH_CONTENT_VIDEO_SECONDS
// (30, the video served), BENCH_PACKAGING_SECONDS (60; 0 skips the packaging part), BENCH_PACKAGING_RUNS (2).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@lyceum/testing';
import { descendants } from './lib/cpu.ts';
import { repoRoot, startProcess, type Child } from './lib/processes.ts';
import type { LoadReport, LoadSettings } from './content/load-generator.ts';
import { setUpContentBench, type ContentBench } from './content/setup.ts';
import { benchPackaging, type PackagingBench } from './packaging.ts';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const VIDEO_SECONDS = Number(process.env.BENCH_CONTENT_VIDEO_SECONDS ?? 30);
const PACKAGING_SECONDS = Number(process.env.BENCH_PACKAGING_SECONDS ?? 60);
const WARMUP_SECONDS = 1;
const TARGET = 0.8;
const DELIVERY = 'sync server /content (signed)';
const STATIC = 'serve-static (same files)';

const log = (m: string) => console.log(`[bench:content] ${m}`);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** Server CPU seconds per GB served; NaN when the window's CPU could not be sampled. */
const cpuPerGb = (r: LoadReport) => (r.serverCpuSeconds > 0 ? r.serverCpuSeconds / (r.bytes / 1e9) : NaN);
const median = (all: number[]) => {
  const s = all.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Target {
  name: string;
  child: Child;
  /** Path prefix of the HLS folder on this server. */
  prefix: string;
}

/** One measurement: a fresh load-generator process against one server. */
function measure(t: Target, sessions: string[][]): Promise<LoadReport> {
  const settings: LoadSettings = {
    url: t.child.url,
    connections: CONNECTIONS,
    warmupSeconds: WARMUP_SECONDS,
    seconds: SECONDS,
    sessions: sessions.map((s) => s.map((p) => t.prefix + p)),
    watchPids: [...descendants(t.child.proc.pid!)],
  };
  return new Promise((resolve, reject) => {
    const proc = spawn(
      path.join(repoRoot, 'node_modules/.bin/tsx'),
      [path.join(repoRoot, 'scripts/bench/content/load-generator.ts')],
      { cwd: repoRoot, env: { ...process.env, BENCH_LOAD: JSON.stringify(settings) } },
    );
    let out = '';
    let err = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
    proc.on('error', reject);
    // A server that stops answering must not hang the benchmark.
    const watchdog = setTimeout(() => proc.kill('SIGKILL'), (WARMUP_SECONDS + SECONDS + 60) * 1000);
    proc.on('exit', (code) => {
      clearTimeout(watchdog);
      if (code !== 0) return reject(new Error(`load generator exited with ${code}: ${err.slice(-2000)}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as LoadReport);
    });
  });
}

/** Both servers answer the same bytes as the manifest lists, and the delivery route marks segments immutable. */
async function check(b: ContentBench, targets: Target[]): Promise<void> {
  const video = b.manifest.assets.find((a) => a.kind === 'video')!;
  const shaOf = new Map(video.files.map((f) => [f.path, f.sha256]));
  const entryDir = video.entry!.slice(0, video.entry!.lastIndexOf('/') + 1);
  for (const rel of [b.sessions[0]![0]!, b.sessions[0]![1]!, b.sessions[1]!.at(-1)!, b.sessions[1]![2]!]) {
    for (const t of targets) {
      const res = await fetch(t.child.url + t.prefix + rel);
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200 || sha256(body) !== shaOf.get(entryDir + rel))
        throw new Error(`${t.name} answered ${res.status} for ${rel} with bytes unlike the manifest's`);
    }
  }
  const seg = await fetch(targets[0]!.child.url + targets[0]!.prefix + b.sessions[1]!.at(-1)!);
  await seg.arrayBuffer();
  if (!/immutable/.test(seg.headers.get('cache-control') ?? ''))
    throw new Error('the delivery route does not mark segments immutable');
}

function printTable(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(fmt(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(fmt(r));
}

async function main() {
  log(`setting up: sync server on embedded PostgreSQL, a course with a ${VIDEO_SECONDS} s video lesson`);
  const b = await setUpContentBench(VIDEO_SECONDS, log);
  let staticServer: Child | null = null;
  const results: { round: number; target: string; r: LoadReport }[] = [];
  let packaging: PackagingBench | null = null;
  try {
    const port = await freePort();
    staticServer = await startProcess(
      path.join(repoRoot, 'scripts/bench/content/static-server.ts'),
      [],
      { PORT: String(port), STATIC_ROOT: b.storageRoot },
      port,
      '/ready',
    );
    const delivery: Target = {
      name: 'sync server /content (signed)',
      child: b.server,
      prefix: b.signedPrefix,
    };
    const plain: Target = {
      name: 'serve-static (same files)',
      child: staticServer,
      prefix: `/${b.hlsPrefix}`,
    };
    await check(b, [delivery, plain]);
    const files = b.sessions.flat().filter((p, i, a) => a.indexOf(p) === i);
    const video = b.manifest.assets.find((a) => a.kind === 'video')!;
    const bytes = video.files.filter((f) => f.path.startsWith('hls/')).reduce((n, f) => n + f.size, 0);
    log(
      `${b.sessions.length} renditions, ${files.length} files per player loop (${(bytes / 1e6).toFixed(1)} MB in the HLS folder); ` +
        `${CONNECTIONS} players, ${ROUNDS} rounds of ${SECONDS} s per server (+${WARMUP_SECONDS} s warm-up), order alternating`,
    );

    for (let round = 1; round <= ROUNDS; round++) {
      for (const t of round % 2 ? [delivery, plain] : [plain, delivery]) {
        const r = await measure(t, b.sessions);
        results.push({ round, target: t.name, r });
        log(
          `round ${round} ${t.name}: ${(r.bytes / r.seconds / 1e6).toFixed(0)} MB/s, ${(r.requests / r.seconds).toFixed(0)} req/s`,
        );
        if (r.samples.length) log(`  failures: ${r.samples.join('; ')}`);
      }
    }
  } finally {
    await staticServer?.stop();
    await b.stop();
  }
  if (PACKAGING_SECONDS > 0) {
    log(`packaging: ${PACKAGING_SECONDS} s of 720p input, packager vs ffmpeg directly`);
    packaging = await benchPackaging(PACKAGING_SECONDS);
  }

  console.log('');
  printTable(
    ['round', 'server', 'MB/s', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'server CPU s/GB'],
    results.map(({ round, target, r }) => [
      String(round),
      target,
      (r.bytes / r.seconds / 1e6).toFixed(0),
      (r.requests / r.seconds).toFixed(0),
      r.p50.toFixed(1),
      r.p99.toFixed(1),
      String(r.non2xx),
      String(r.errors),
      cpuPerGb(r).toFixed(2),
    ]),
  );
  const of = (name: string) => results.filter((x) => x.target === name).map((x) => x.r);
  const summary = [...new Set(results.map((x) => x.target))].map((name) => {
    const rs = of(name);
    return {
      name,
      mbps: median(rs.map((r) => r.bytes / r.seconds / 1e6)),
      rps: median(rs.map((r) => r.requests / r.seconds)),
      p50: median(rs.map((r) => r.p50)),
      p99: median(rs.map((r) => r.p99)),
      non2xx: rs.reduce((n, r) => n + r.non2xx, 0),
      errors: rs.reduce((n, r) => n + r.errors, 0),
      cpuPerGb: median(rs.map(cpuPerGb)),
    };
  });
  const d = summary.find((x) => x.name === DELIVERY)!;
  const s = summary.find((x) => x.name === STATIC)!;
  console.log('');
  printTable(
    ['median of rounds', 'MB/s', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'CPU s/GB'],
    summary.map((x) => [
      x.name,
      x.mbps.toFixed(0),
      x.rps.toFixed(0),
      x.p50.toFixed(1),
      x.p99.toFixed(1),
      String(x.non2xx),
      String(x.errors),
      x.cpuPerGb.toFixed(2),
    ]),
  );
  // Each round measures both servers back to back: its ratio is the least disturbed by other load on the machine.
  const paired = [...new Set(results.map((x) => x.round))].map((round) => {
    const pick = (name: string) => results.find((x) => x.round === round && x.target === name)!.r;
    return pick(DELIVERY).bytes / pick(STATIC).bytes;
  });
  const ratio = median(paired);
  const clean = d.non2xx === 0 && d.errors === 0 && s.non2xx === 0 && s.errors === 0;
  console.log(
    `\ndelivery / serve-static throughput per round: ${paired.map((p) => `${(p * 100).toFixed(0)}%`).join(', ')}` +
      `\ndelivery throughput: ${(ratio * 100).toFixed(1)}% of serve-static (median of rounds; target ≥ ${TARGET * 100}%): ` +
      `${ratio >= TARGET ? 'met' : 'NOT met'}; non-2xx and errors: ${clean ? 'none' : 'SOME'}; ` +
      `server CPU per GB served: ${(d.cpuPerGb / s.cpuPerGb).toFixed(2)}× serve-static's`,
  );
  if (packaging) {
    console.log('');
    printTable(
      ['packaging (best of runs)', 'seconds', 's per minute of 720p input'],
      [
        ['ffmpeg directly', packaging.directSeconds.toFixed(2), packaging.directPerMinute.toFixed(2)],
        [
          'packager (probe, encode, poster, storage)',
          packaging.packagingSeconds.toFixed(2),
          packaging.packagingPerMinute.toFixed(2),
        ],
      ],
    );
    console.log(
      `packaging / ffmpeg directly: ${packaging.ratio.toFixed(3)} (input ${packaging.inputSeconds.toFixed(1)} s, 1280x720 H.264/AAC → 360p + 720p HLS fMP4)`,
    );
  }
  console.log(
    `machine: ${os.availableParallelism()} cores (servers, load generator and PostgreSQL share them); load generator in its own process`,
  );
  if (!clean) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
