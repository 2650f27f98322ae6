import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { freePort } from '@lyceum/testing';
import { SERVER_NODE_FLAGS } from '../src/runtime/heap.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');

/** `script` (util-linux) runs a command in a pseudo-terminal: what a person sees in theirs. */
export const hasScript = fs.existsSync('/usr/bin/script');

export interface ServerProcess {
  url: string;
  dataDir: string;
  /** Everything the process wrote (stdout and stderr; ANSI colours and carriage returns removed). */
  output: () => string;
  /** The embedded PostgreSQL's port, from its postmaster.pid (0 with DATABASE_URL). */
  pgPort: number;
  pidFile: string;
  /** In a terminal: type Ctrl-C (the terminal signals the whole foreground group). Otherwise: signal the process. */
  interrupt: (signal?: NodeJS.Signals) => void;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
  /** Kill whatever is left (after a failed test) and remove the data dir. */
  kill: () => void;
}

const strip = (s: string) => stripVTControlCharacters(s).replace(/\r/g, '');

/**
 * `tsx sync-server/src/main.ts start` as a person runs it, with its own embedded PostgreSQL in a temp data dir: in a
 * pseudo-terminal (`tty: true`, through `script`) or with its output piped (as under a process manager).
 */
export async function startServerProcess(o: {
  tty: boolean;
  env?: Record<string, string>;
  /** Start on the data dir of an earlier run (after it was killed); a new temp dir otherwise. */
  dataDir?: string;
}): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = o.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-start-stop-'));
  fs.chmodSync(dataDir, 0o755);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    LYCEUM_DATA_DIR: dataDir,
    SEED_DEMO: 'false',
    INIT_CWD: repoRoot,
  };
  for (const k of ['LOG_FORMAT', 'LOG_LEVEL', 'FORCE_COLOR', 'NO_COLOR']) delete env[k];
  Object.assign(env, o.env);
  const command = [process.execPath, tsxCli, ...SERVER_NODE_FLAGS, 'sync-server/src/main.ts', 'start'];
  const child: ChildProcess = o.tty
    ? spawn('script', ['-qfec', `exec ${command.map((a) => `'${a}'`).join(' ')}`, '/dev/null'], {
        cwd: repoRoot,
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
      })
    : spawn(command[0]!, command.slice(1), { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (log += c.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The server exited (${child.exitCode}):\n${strip(log)}`);
    if (Date.now() > deadline) throw new Error(`The server did not become ready:\n${strip(log)}`);
    const ok = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const pidFile = path.join(dataDir, 'postgres', 'pgdata', 'postmaster.pid');
  // 0 when the server uses DATABASE_URL (no embedded PostgreSQL of its own).
  const pgPort = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').split('\n')[3]) : 0;
  return {
    url,
    dataDir,
    output: () => strip(log),
    pgPort,
    pidFile,
    interrupt: (signal = 'SIGINT') => {
      if (o.tty) child.stdin?.write('\x03');
      else child.kill(signal);
    },
    exited,
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      const pid = Number(fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').split('\n')[0] : 0);
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGQUIT');
        } catch {
          /* gone */
        }
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
