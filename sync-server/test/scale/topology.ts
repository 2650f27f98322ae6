import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '@lyceum/testing';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { migrate } from '../../src/db/migrate.ts';
import { SERVER_NODE_FLAGS } from '../../src/runtime/heap.ts';
import { listening } from '../server-process.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
export const haproxyConfig = path.join(repoRoot, 'deploy/haproxy/haproxy.cfg');

/** Why the scaled topology cannot run here (a missing program), or null. */
export function missingTools(): string | null {
  const missing = ['redis-server', 'haproxy'].filter(
    (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0,
  );
  return missing.length
    ? `${missing.join(' and ')} not installed (apt-get install ${missing.join(' ')}; .ci/run installs them)`
    : null;
}

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<unknown>;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Proc {
  const child = spawn(cmd, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (c: Buffer) => (log = (log + c.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { child, output: () => log, exited };
}

async function until(what: string, ok: () => Promise<boolean>, proc: Proc, ms = 90_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (proc.child.exitCode !== null)
      throw new Error(`${what} exited (${proc.child.exitCode}):\n${proc.output()}`);
    if (await ok().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`${what} did not start:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const answers = (url: string) => async () => (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;

async function stopProc(p: Proc | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
  p.child.kill(signal);
  await p.exited;
  clearTimeout(timer);
}

export interface ApiNode {
  name: string;
  url: string;
  output: () => string;
  /** SIGKILL the node's process (no shutdown of any kind) and wait for it to be gone. */
  kill: () => Promise<void>;
  /** Start the node again on the same port (as haproxy knows it) and wait for /ready. */
  restart: () => Promise<void>;
}

export interface TopologyOptions {
  /** Run the separate analytics processor (default true). */
  processor?: boolean;
  /** Run the API nodes from this compiled bundle (`node main.mjs`, as production does) instead of tsx. */
  compiledMain?: string;
}

export interface Topology {
  /** The load balancer (haproxy with deploy/haproxy/haproxy.cfg). */
  lbUrl: string;
  nodes: ApiNode[];
  redisUrl: string;
  databaseUrl: string;
  /** Direct access to the shared database (fixtures). */
  pool: pg.Pool;
  /** The analytics processor's process is still running. */
  processorAlive: () => boolean;
  /** SIGKILL the PostgreSQL postmaster; the supervisor of this process starts it again (crash recovery included). */
  killPostgres: () => Promise<void>;
  /** SIGKILL redis-server (nothing restarts it) / start it again on the same port, empty. */
  killRedis: () => Promise<void>;
  restartRedis: () => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * The scaled topology, for real: redis-server (no persistence) on a free port, one embedded PostgreSQL, two API nodes
 * (`ANALYTICS_PROCESSOR=off`, REDIS_URL, one shared JWT secret and data folder), the analytics processor
 * (`main.ts processor`), and haproxy in front with the config kept in deploy/.
 */
export async function startTopology(
  env: Record<string, string> = {},
  opts: TopologyOptions = {},
): Promise<Topology> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-scale-'));
  fs.chmodSync(dir, 0o755);
  const procs: Proc[] = [];
  let redis: Proc | undefined;
  let pool: pg.Pool | null = null;
  let pgStop: (() => Promise<void>) | null = null;
  const stop = async () => {
    for (const p of procs.reverse()) await stopProc(p);
    // Redis last: the nodes close their connections to it on the way out.
    await stopProc(redis);
    await pool?.end().catch(() => undefined);
    await pgStop?.();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const redisPort = await freePort();
    const startRedis = async () => {
      const p = run('redis-server', [
        '--port',
        String(redisPort),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ]);
      await until('redis-server', () => listening(redisPort), p, 15_000);
      return p;
    };
    redis = await startRedis();
    const redisUrl = `redis://127.0.0.1:${redisPort}`;

    const db = await startEmbeddedPostgres(path.join(dir, 'postgres'));
    pgStop = db.stop;
    pool = new pg.Pool({ connectionString: db.url, max: 3 });
    pool.on('error', () => undefined);
    await migrate(pool);

    const shared: NodeJS.ProcessEnv = {
      ...process.env,
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      JWT_SECRET: randomBytes(32).toString('hex'),
      LYCEUM_DATA_DIR: path.join(dir, 'data'),
      SEED_DEMO: 'false',
      ANALYTICS_PROCESSOR: 'off',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      DB_POOL_SIZE: '5',
      INIT_CWD: repoRoot,
      ...env,
    };
    const spawnOn = (port: number, command: 'start' | 'processor') => {
      const entry = opts.compiledMain
        ? [...SERVER_NODE_FLAGS, opts.compiledMain, command]
        : [tsxCli, ...SERVER_NODE_FLAGS, 'sync-server/src/main.ts', command];
      const p = run(process.execPath, entry, { ...shared, PORT: String(port) });
      procs.push(p);
      return p;
    };
    const start = async (name: string, command: 'start' | 'processor', readyPath: string) => {
      const port = await freePort();
      return { name, port, url: `http://127.0.0.1:${port}`, p: spawnOn(port, command), readyPath };
    };
    const started = [await start('A', 'start', '/ready'), await start('B', 'start', '/ready')];
    const processor = opts.processor === false ? null : await start('processor', 'processor', '/health');
    // Readiness in parallel: the processes boot at the same time.
    await Promise.all(
      [...started, ...(processor ? [processor] : [])].map((s) =>
        until(`node ${s.name}`, answers(s.url + s.readyPath), s.p),
      ),
    );

    const lbPort = await freePort();
    const lb = run('haproxy', ['-f', haproxyConfig, '-db'], {
      ...process.env,
      LB_BIND: `127.0.0.1:${lbPort}`,
      API1: `127.0.0.1:${started[0]!.port}`,
      API2: `127.0.0.1:${started[1]!.port}`,
    });
    procs.push(lb);
    const lbUrl = `http://127.0.0.1:${lbPort}`;
    await until('haproxy', answers(`${lbUrl}/ready`), lb, 15_000);

    return {
      lbUrl,
      nodes: started.map((s) => ({
        name: s.name,
        url: s.url,
        output: () => s.p.output(),
        kill: async () => {
          s.p.child.kill('SIGKILL');
          await s.p.exited;
        },
        restart: async () => {
          s.p = spawnOn(s.port, 'start');
          await until(`node ${s.name}`, answers(s.url + s.readyPath), s.p);
        },
      })),
      redisUrl,
      databaseUrl: db.url,
      pool,
      processorAlive: () => processor?.p.child.exitCode === null,
      killRedis: async () => {
        redis?.child.kill('SIGKILL');
        await redis?.exited;
      },
      restartRedis: async () => {
        redis = await startRedis();
      },
      killPostgres: async () => {
        const pidFile = path.join(dir, 'postgres', 'pgdata', 'postmaster.pid');
        const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
        process.kill(pid, 'SIGKILL');
        const end = Date.now() + 10_000;
        while (Date.now() < end && alive(pid)) await new Promise((r) => setTimeout(r, 50));
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
