import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** Child processes of the launcher, stopped together and in order. */
export interface Managed {
  name: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
}

const running: Managed[] = [];

/**
 * Start a child in its own process group, so the terminal's Ctrl-C reaches only the launcher, which then signals each
 * child exactly once (a second SIGINT would cut a graceful shutdown short, e.g. the embedded PostgreSQL's).
 */
export function start(name: string, command: string, args: string[], opts: SpawnOptions = {}): Managed {
  const child = spawn(command, args, { stdio: 'inherit', ...opts, detached: process.platform !== 'win32' });
  const exited = new Promise<number | string>((resolve) => {
    child.once('error', (err) => resolve(`failed to start: ${err.message}`));
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  const m = { name, child, exited };
  running.push(m);
  void exited.then(() => running.splice(running.indexOf(m), 1));
  return m;
}

const alive = (m: Managed) => m.child.exitCode === null && m.child.signalCode === null;

/** Ask one child to stop (SIGTERM, once); kill it if it is still there after `graceMs`. */
export async function stop(m: Managed, graceMs = 20_000): Promise<void> {
  if (!alive(m)) return;
  m.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (!alive(m)) return;
    process.stderr.write(`  ${m.name} did not stop in ${graceMs / 1000} s; killing it\n`);
    try {
      if (m.child.pid) process.kill(-m.child.pid, 'SIGKILL');
    } catch {
      m.child.kill('SIGKILL');
    }
  }, graceMs);
  await m.exited;
  clearTimeout(timer);
}

/** Stop every child, newest first (the desktop before the server it talks to). */
export async function stopAll(): Promise<void> {
  for (const m of [...running].reverse()) await stop(m);
}

/** Ctrl-C / SIGTERM: stop the children cleanly, then leave. A second Ctrl-C kills them at once. */
export function onShutdownSignals(before: () => void): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      for (const m of running) {
        try {
          if (m.child.pid) process.kill(-m.child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      process.exit(130);
    }
    stopping = true;
    before();
    process.stdout.write(`\n  ${signal}: stopping Lyceum (press Ctrl-C again to kill at once)…\n`);
    void stopAll().then(() => process.exit(0));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
