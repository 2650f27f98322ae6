import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** Child processes of the launcher, stopped together and in order. */
export interface Managed {
  name: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  /** Clients (the desktop app, a build) stop before the services they use (the sync server). */
  role: 'client' | 'service';
}

const running: Managed[] = [];

/**
 * Start a child in its own process group, so the terminal's Ctrl-C reaches only the launcher, which then signals each
 * child exactly once (a second SIGINT would cut a graceful shutdown short). Give it pipes rather than the terminal
 * (`stdio: 'pipe'`, relayed by the caller) where keys are read: Node puts a terminal it was started on back into the
 * mode it found it in when it exits, which would undo the launcher's raw mode when the sync server is stopped.
 */
export function start(
  name: string,
  command: string,
  args: string[],
  opts: SpawnOptions = {},
  role: Managed['role'] = 'client',
): Managed {
  const child = spawn(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    ...opts,
    detached: process.platform !== 'win32',
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('error', (err) => resolve(`failed to start: ${err.message}`));
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  const m: Managed = { name, child, exited, role };
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
    kill(m);
  }, graceMs);
  await m.exited;
  clearTimeout(timer);
}

function kill(m: Managed): void {
  try {
    if (m.child.pid) process.kill(-m.child.pid, 'SIGKILL');
  } catch {
    m.child.kill('SIGKILL');
  }
}

/** Stop every child, one after the other: the clients first (newest first), then the services they talk to. */
export async function stopAll(say: (line: string) => void = () => {}): Promise<void> {
  const order = [...running].reverse().sort((a, b) => (a.role === b.role ? 0 : a.role === 'client' ? -1 : 1));
  for (const m of order) {
    if (!alive(m)) continue;
    say(`Stopping the ${m.name}…`);
    await stop(m);
  }
}

/**
 * Ctrl-C / SIGTERM / SIGHUP, and the launcher's own reasons to stop (answered): stop the children in order, then leave
 * with `exitCode`. A second Ctrl-C (or quit key: `user`) while stopping kills them at once.
 */
export function onShutdownSignals(
  before: () => void,
  say: (line: string) => void,
): (why: string, o?: { user?: boolean; exitCode?: number }) => void {
  let stopping = false;
  const shutdown = (why: string, o: { user?: boolean; exitCode?: number } = {}) => {
    if (stopping) {
      if (!o.user) return;
      for (const m of running) kill(m);
      process.exit(130);
    }
    stopping = true;
    before();
    say(`${why}: stopping Lyceum${o.user ? ' (press Ctrl-C again to kill at once)' : ''}…`);
    void stopAll(say).then(() => {
      say('Stopped.');
      process.exit(o.exitCode ?? 0);
    });
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => shutdown(s, { user: true }));
  return shutdown;
}
