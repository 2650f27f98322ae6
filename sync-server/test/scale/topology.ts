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
  stop: () => Promise<void>;
}

/**
 * The scaled topology, for real: redis-server (no persistence) on a free port, one embedded PostgreSQL, two API nodes
 * (`ANALYTICS_PROCESSOR=off`, REDIS_URL, one shared JWT secret and data folder), the analytics processor
 * (`main.ts processor`), and haproxy in front with the config kept in deploy/.
 */
export async function startTopology(env: Record<string, string> = {}): Promise<Topology> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-scale-'));
  fs.chmodSync(dir, 0o755);
  const procs: Proc[] = [];
  let pool: pg.Pool | null = null;
  let pgStop: (() => Promise<void>) | null = null;
  const stop = async () => {
    for (const p of procs.reverse()) await stopProc(p);
    await pool?.end().catch(() => undefined);
    await pgStop?.();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const redisPort = await freePort();
    const redis = run('redis-server', [
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
    procs.push(redis);
    await until('redis-server', () => listening(redisPort), redis, 15_000);
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
    const start = async (name: string, command: 'start' | 'processor', readyPath: string) => {
      const port = await freePort();
      const p = run(process.execPath, [tsxCli, ...SERVER_NODE_FLAGS, 'sync-server/src/main.ts', command], {
        ...shared,
        PORT: String(port),
      });
      procs.push(p);
      return { name, port, url: `http://127.0.0.1:${port}`, p, readyPath };
    };
    const started = [await start('A', 'start', '/ready'), await start('B', 'start', '/ready')];
    const processor = await start('processor', 'processor', '/health');
    // Readiness in parallel: the three processes boot at the same time.
    await Promise.all(
      [...started, processor].map((s) => until(`node ${s.name}`, answers(s.url + s.readyPath), s.p)),
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
      nodes: started.map((s) => ({ name: s.name, url: s.url, output: s.p.output })),
      redisUrl,
      databaseUrl: db.url,
      pool,
      processorAlive: () => processor.p.child.exitCode === null,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
