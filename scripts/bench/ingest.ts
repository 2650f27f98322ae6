// npm run bench:ingest [-- --rate 20000 --duration 30 --batch 200-1000 --xapi-share 0.1 --learners 2000]
// The analytics pipeline under a constant offered load: a real sync server (child process, embedded PostgreSQL,
// processor embedded) receives learning statements from an OPEN-LOOP load generator in another process (desktop
// batch uploads plus xAPI POSTs); the benchmark reports sustained collected and processed events/s, arrival→visible
// latency (the processor's per-event commit − stored, and an outside check of the REST API's totals), lost and
// double-counted events, duplicates absorbed on replay, and a plain batched INSERT of the same rows as the baseline.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { PlatformOverview } from '@lyceum/contracts';
import { freePort } from '@lyceum/testing';
import { startEmbeddedPostgres } from '../../sync-server/src/db/embedded.ts';
import { migrate } from '../../sync-server/src/db/migrate.ts';
import { accessTokens } from '../../sync-server/src/modules/identity/tokens.ts';
import { cpuSeconds, descendants, postgresCpu } from './lib/cpu.ts';
import { repoRoot, startProcess, type Child } from './lib/processes.ts';
import { seedStructuredCourses, seedStudents } from './lib/sync-seed.ts';
import type { FromLoad, LoadSetup, PhaseResult, ToLoad } from './ingest/protocol.ts';
import { collectorCounters, n0, report, type ServerStats } from './ingest/report.ts';
import { baselineInsert, census } from './ingest/verify.ts';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '20000' },
    duration: { type: 'string', default: '30' },
    batch: { type: 'string', default: '200-1000' },
    'xapi-share': { type: 'string', default: '0.1' },
    'xapi-batch': { type: 'string', default: '250' },
    learners: { type: 'string', default: '2000' },
    courses: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '5' },
    replay: { type: 'string', default: '0.1' },
    'baseline-rows': { type: 'string', default: '1000000' },
  },
});
const RATE = Number(args.rate);
const SECONDS = Number(args.duration);
const [BATCH_MIN, BATCH_MAX] = args.batch.includes('-')
  ? args.batch.split('-').map(Number)
  : [Number(args.batch), Number(args.batch)];

const log = (m: string) => console.log(`[bench:ingest] ${m}`);
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

/** The load generator: a child process driven over IPC. */
function startLoad(): {
  proc: ChildProcess;
  ask: (m: ToLoad | { cmd: 'setup'; setup: LoadSetup }) => Promise<FromLoad>;
} {
  const proc = fork(path.join(repoRoot, 'scripts/bench/ingest/load.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = (m: ToLoad | { cmd: 'setup'; setup: LoadSetup }) =>
    new Promise<FromLoad>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load generator exited (${code})`));
      proc.once('exit', onExit);
      proc.once('message', (reply: FromLoad) => {
        proc.off('exit', onExit);
        if (reply.type === 'error') reject(new Error(`load generator: ${reply.message}`));
        else resolve(reply);
      });
      proc.send(m);
    });
  return { proc, ask };
}

async function main() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-bench-ingest-'));
  await fs.chmod(dir, 0o755);
  const db = await startEmbeddedPostgres(path.join(dir, 'postgres'));
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  pool.on('error', () => {});
  let server: Child | null = null;
  let load: ReturnType<typeof startLoad> | null = null;
  try {
    await migrate(pool);
    const [admin] = (
      await pool.query<{ id: string }>(
        `INSERT INTO users (id, email, name, password_hash, role)
         VALUES (gen_random_uuid(), 'admin@bench.test', 'Bench Admin', 'x', 'admin') RETURNING id`,
      )
    ).rows;
    // Courses of 2 modules × 10 lessons, the last of each module a quiz of 3 questions: learners finish and rate some
    // within a run.
    const courses = (await seedStructuredCourses(pool, admin!.id, Number(args.courses), 2, 10)).map(
      (c, i) => ({
        id: c.id,
        title: `Bench course ${i + 1}`,
        lessons: c.lessons,
      }),
    );
    const learnerIds = await seedStudents(pool, Number(args.learners), 'learner');
    log(`seeded ${courses.length} courses × 20 lessons (every 10th a quiz), ${learnerIds.length} learners`);

    const secret = randomBytes(32).toString('hex');
    const port = await freePort();
    const statsPort = await freePort();
    server = await startProcess(
      path.join(repoRoot, 'scripts/bench/ingest/server.ts'),
      [],
      {
        DATABASE_URL: db.url,
        PORT: String(port),
        LYCEUM_DATA_DIR: dir,
        SEED_DEMO: 'false',
        LOG_LEVEL: 'warn',
        DB_POOL_SIZE: '20',
        JWT_SECRET: secret,
        BENCH_STATS_PORT: String(statsPort),
        ANALYTICS_DROP_DIR: 'off',
        ANALYTICS_OUTBOX_RELAY: 'off',
        // BENCH_CPU_PROF=<file.cpuprofile>: a V8 CPU profile of the server from the reset to its stop.
        ...(process.env.BENCH_CPU_PROF ? { BENCH_CPU_PROF: path.resolve(process.env.BENCH_CPU_PROF) } : {}),
      },
      port,
      '/ready',
    );
    const statsUrl = `http://127.0.0.1:${statsPort}`;
    const stats = async () => (await (await fetch(`${statsUrl}/stats`)).json()) as ServerStats;
    const tokens = accessTokens(secret, 3600);
    const adminToken = await tokens.sign({ sub: admin!.id, role: 'admin' });
    const api = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
      const res = await fetch(server!.url + p, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!res.ok) throw new Error(`${method} ${p} answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as T;
    };
    const xapi = await api<{ key: string; secret: string }>('POST', '/api/v1/analytics/xapi-clients', {
      name: 'Partner LMS (bench)',
    });
    const range = {
      from: new Date(Date.now() - 7 * 86_400_000).toISOString(),
      to: new Date(Date.now() + 3_600_000).toISOString(),
    };
    const overview = () =>
      api<PlatformOverview>('GET', `/api/v1/analytics/overview?from=${range.from}&to=${range.to}`);

    load = startLoad();
    const learners = await Promise.all(
      learnerIds.map(async (id) => ({ id, token: await tokens.sign({ sub: id, role: 'student' }) })),
    );
    const idsFile = path.join(dir, 'acknowledged-ids.txt');
    await load.ask({
      cmd: 'setup',
      setup: {
        url: server.url,
        learners,
        courses,
        xapi,
        batch: { min: BATCH_MIN!, max: BATCH_MAX! },
        xapiShare: Number(args['xapi-share']),
        xapiBatch: Number(args['xapi-batch']),
        replayShare: Number(args.replay),
        seed: 20_250_101,
        idsFile,
      },
    });
    /** The generator builds a phase's requests before its clock starts (see ingest/load.ts). */
    const build = async (rate: number, seconds: number) => {
      const b = await load!.ask({ cmd: 'build', rate, seconds });
      if (b.type !== 'built') throw new Error(`unexpected ${b.type}`);
      return b;
    };
    const run = async (name: string, rate: number, seconds: number) => {
      const r = await load!.ask({ cmd: 'phase', name, rate, seconds });
      if (r.type !== 'phase') throw new Error(`unexpected ${r.type}`);
      return r.result;
    };
    const phase = async (name: string, rate: number, seconds: number) => {
      await build(rate, seconds);
      return run(name, rate, seconds);
    };
    const drained = async (timeoutMs = 300_000) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const s = await stats();
        if (s.lag === 0) return s;
        if (Date.now() > until) throw new Error(`the processor did not catch up: lag ${s.lag}`);
        await sleep(100);
      }
    };

    // --- warm-up (JIT, plans, day tables), then a clean slate for the measurements ---
    const warmSeconds = Number(args.warmup);
    let warm: PhaseResult | null = null;
    if (warmSeconds > 0) {
      log(`warming up: ${warmSeconds} s at ${n0(RATE / 2)} events/s`);
      warm = await phase('warm-up', RATE / 2, warmSeconds);
      await drained();
    }
    await fetch(`${statsUrl}/reset`, { method: 'POST' });
    const before = (await overview()).totals.events;

    // --- the load ---
    log(
      `load: ${SECONDS} s at ${n0(RATE)} events/s offered (open loop), batches ${BATCH_MIN}–${BATCH_MAX}, ` +
        `${Math.round(Number(args['xapi-share']) * 100)}% through xAPI in batches of ${args['xapi-batch']}`,
    );
    const built = await build(RATE, SECONDS);
    log(
      `the generator built ${n0(built.requests)} requests in ${(built.ms / 1000).toFixed(1)} s before the clock started`,
    );
    const serverPids = descendants(server.proc.pid!);
    const postgresSeconds = postgresCpu(dir);
    const cpu = () => {
      return {
        server: cpuSeconds((_c, pid) => serverPids.has(pid)),
        postgres: postgresSeconds(),
      };
    };
    const loadAvg = os.loadavg();
    const collected0 = await collectorCounters(server.url);
    const cpu0 = cpu();
    const t0 = Date.now();
    // Outside view: the REST API's event total, polled through the run (fast once the load has ended).
    const visible: { at: number; events: number }[] = [];
    const waits: Record<string, number> = {};
    let watching = true;
    let loadDone = false;
    const watcher = (async () => {
      while (watching) {
        const o = await overview();
        visible.push({ at: Date.now(), events: o.totals.events - before });
        const w = await pool.query<{ w: string; n: number }>(
          `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS w, count(*)::int AS n FROM pg_stat_activity
           WHERE state = 'active' AND pid <> pg_backend_pid() AND backend_type = 'client backend' GROUP BY 1`,
        );
        if (!loadDone) for (const x of w.rows) waits[x.w] = (waits[x.w] ?? 0) + x.n;
        await sleep(Date.now() - t0 > SECONDS * 1000 ? 25 : 250);
      }
    })();
    const main = await run('load', RATE, SECONDS);
    loadDone = true;
    // New events the collector took during the load (/metrics; a retried request's repeats are not new).
    const collected = (await collectorCounters(server.url)).collected - collected0.collected;
    const until = Date.now() + 600_000;
    while (!visible.some((v) => v.events >= collected) && Date.now() < until) await sleep(25);
    watching = false;
    await watcher;
    const lastVisible = visible.find((v) => v.events >= collected) ?? null;
    const s = await drained();
    const cpu1 = cpu();
    await fetch(`${statsUrl}/profile/stop`, { method: 'POST' });

    // --- replay: 10 % of the requests sent again, and stored events redelivered to the processor ---
    const totals0 = (await overview()).totals;
    const counters0 = await collectorCounters(server.url);
    const replay = await (async () => {
      const r = await load!.ask({ cmd: 'replay', rate: RATE });
      if (r.type !== 'phase') throw new Error(`unexpected ${r.type}`);
      return r.result;
    })();
    const republishN = Math.round(collected * Number(args.replay));
    const dup0 = s.processor.duplicates;
    await fetch(`${statsUrl}/republish?n=${republishN}`, { method: 'POST' });
    const s2 = await drained();
    const totals1 = (await overview()).totals;
    const counters1 = await collectorCounters(server.url);
    const replayed = {
      collected: counters1.collected - counters0.collected,
      duplicates: counters1.duplicates - counters0.duplicates,
    };

    const finished = await load.ask({ cmd: 'finish' });
    if (finished.type !== 'finished') throw new Error(`unexpected ${finished.type}`);
    const c = await census(pool, idsFile);
    log(`baseline: the same ${n0(c.inStatements)} raw rows by plain batched INSERT (1,000 per statement)`);
    const base = await baselineInsert(pool, Number(args['baseline-rows']));

    report({
      warm,
      main,
      collected,
      replay,
      replayed,
      s,
      s2,
      dup0,
      republishN,
      totals0,
      totals1,
      expected: finished.expected,
      actors: finished.actors,
      c,
      base,
      lastVisible,
      cpu: { server: cpu1.server - cpu0.server, postgres: cpu1.postgres - cpu0.postgres },
      waits,
      loadAvg,
    });
  } finally {
    if (load && load.proc.exitCode === null) load.proc.kill();
    if (server) await server.stop();
    await pool.end();
    await db.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
