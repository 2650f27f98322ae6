import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { logSettings } from '../../sync-server/src/runtime/logger.ts';
import { findElectron } from './electron.ts';
import { keysHelp, listenForKeys } from './keys.ts';
import { OutputRelay } from './output.ts';
import { onShutdownSignals, start, type Managed } from './processes.ts';
import { syncServer, type SyncServer } from './server.ts';

/**
 * `npm start`: the whole product on one machine — the sync server (embedded PostgreSQL), then the desktop app connected
 * to it: an Electron window where Electron can start, else the desktop core in web mode with its URL printed. One
 * banner once everything is up (the servers' info-level start-up logs are counted, not shown; warnings are); in an
 * interactive terminal, `s` stops/starts the sync server alone (the app goes offline) and `q` or Ctrl-C quits.
 * `npm run start:desktop` (--desktop-only): the desktop side alone, against LYCEUM_SERVER_URL.
 * Flags: --web (skip Electron), --verbose (show every log line at start-up too).
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const desktopDir = path.join(root, 'desktop');
const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const args = new Set(process.argv.slice(2));
const desktopOnly = args.has('--desktop-only');
const say = (line: string) => process.stdout.write(`  ${line}\n`);
const requested = process.env.LOG_FORMAT;
const log = logSettings({
  LOG_LEVEL: 'info',
  LOG_FORMAT: requested === 'json' || requested === 'pretty' ? requested : undefined,
});
const relay = new OutputRelay((text) => process.stdout.write(text), {
  ...log,
  verbose: args.has('--verbose'),
});
let restoreKeys: (() => void) | null = null;
const quit = onShutdownSignals(() => restoreKeys?.(), say);

/** Run a child to its end with its output kept; show the output only if it fails. */
async function quietly(name: string, args: string[]): Promise<void> {
  const p = start(name, process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  p.child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  p.child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const code = await p.exited;
  if (code !== 0) {
    process.stderr.write(output);
    throw new Error(`The ${name} failed (exit ${code}).`);
  }
}

/** Electron, if it starts and stays up for a few seconds; otherwise the reason it did not. */
async function tryElectron(serverUrl: string): Promise<{ proc: Managed } | { why: string }> {
  const bin = findElectron(desktopDir);
  if (!bin.ok) return { why: bin.why };
  const proc = start('Electron', bin.path, [desktopDir], {
    cwd: root,
    env: { ...process.env, LYCEUM_SERVER_URL: serverUrl, INIT_CWD: process.env.INIT_CWD ?? process.cwd() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.child.stdout?.pipe(process.stdout, { end: false });
  let lastError = '';
  proc.child.stderr?.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    const lines = chunk
      .toString()
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    if (lines.length) lastError = lines[lines.length - 1]!;
  });
  const early = await Promise.race([proc.exited, new Promise<null>((r) => setTimeout(() => r(null), 8000))]);
  if (early === null) return { proc };
  return { why: `Electron exited at start (${early})${lastError ? `: ${lastError.slice(0, 200)}` : ''}` };
}

/** The desktop core in web mode; resolves once it has printed its link (its banner stays held in `out`). */
async function startWeb(serverUrl: string, out: OutputRelay): Promise<Managed> {
  // The bundled core (built above) starts in a fraction of the time tsx needs to compile the sources.
  const proc = start('desktop app', process.execPath, [path.join(desktopDir, 'dist/web/cli.mjs')], {
    cwd: root,
    env: { ...process.env, LYCEUM_SERVER_URL: serverUrl, INIT_CWD: process.env.INIT_CWD ?? process.cwd() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  out.attach(proc.child.stdout);
  proc.child.stderr?.pipe(process.stderr, { end: false });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    proc.child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (/Open this link/.test(seen)) resolve();
    });
    void proc.exited.then((code) => reject(new Error(`The desktop app stopped at start (exit ${code}).`)));
  });
  return proc;
}

/** Blocks of lines, each without blank lines at its ends (and no runs of them inside), one blank line apart. */
const blocks = (...parts: string[][]) =>
  parts
    .map((lines) =>
      lines
        .join('\n')
        .replace(/\n{3,}/g, '\n\n')
        .replace(/^\n+|\n+$/g, ''),
    )
    .filter(Boolean)
    .join('\n\n');

/** `s`: stop the sync server alone, or start it again on the same address. */
function serverToggle(server: SyncServer, url: string) {
  let busy = false;
  return async () => {
    if (busy) return;
    busy = true;
    try {
      if (server.running) {
        say('Stopping the sync server; the desktop app keeps running, offline…');
        await server.stop();
        say('Sync server stopped. The app is offline now: press s to start the server again.');
      } else {
        say('Starting the sync server…');
        await server.start();
        const { held } = relay.release();
        say(`Sync server is back at ${url}${held ? ` (${held} start-up log lines not shown)` : ''}.`);
      }
    } catch (err) {
      say(err instanceof Error ? err.message : String(err));
    } finally {
      busy = false;
    }
  };
}

async function main(): Promise<void> {
  let server: SyncServer | null = null;
  let serverUrl = process.env.LYCEUM_SERVER_URL ?? 'http://127.0.0.1:4000';
  if (!desktopOnly) {
    say('Starting the sync server…');
    server = syncServer({ root, tsx, relay });
    serverUrl = await server.start();
  } else {
    const up = await fetch(`${serverUrl}/health`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (!up)
      say(
        `The sync server at ${serverUrl} is not reachable: the app starts offline and connects when it is.`,
      );
  }

  say('Building the desktop app if its sources changed…');
  await quietly('desktop build', [tsx, path.join(desktopDir, 'scripts/build.ts'), '--if-stale']);
  const desktopOut = new OutputRelay((text) => process.stdout.write(text), { ...log, verbose: false });
  let desktop: Managed;
  let desktopLine: string;
  const electron = args.has('--web') ? { why: '--web was given' } : await tryElectron(serverUrl);
  if ('proc' in electron) {
    desktop = electron.proc;
    desktopLine = `Desktop app: Electron window (sync server ${serverUrl}). Closing the window stops Lyceum.`;
  } else {
    say(`Electron is not starting here (${electron.why}); running the desktop core in web mode instead.`);
    desktop = await startWeb(serverUrl, desktopOut);
    desktopLine = '';
  }

  // Everything is up: one banner, then the logs as they come.
  const fromServer = relay.release();
  const fromDesktop = desktopOut.release();
  const keys = listenForKeys(process.stdin, (action) => {
    if (action === 'quit') quit('Quit', { user: true });
    else if (server) void serverToggle(server, serverUrl)();
  });
  restoreKeys = keys;
  process.on('exit', () => keys?.());
  const held = fromServer.held + fromDesktop.held;
  const notes = [
    desktopLine && `  ${desktopLine}`,
    held ? `  (${held} info-level start-up log lines not shown; npm start -- --verbose shows them.)` : '',
    keys ? `  ${keysHelp(server !== null)}` : '  Ctrl-C stops everything.',
  ].filter(Boolean);
  process.stdout.write(`\n${blocks(fromServer.plain, fromDesktop.plain, notes)}\n\n`);

  // When one side ends by itself, stop the rest: closing the window ends the session, and so does a server crash
  // (a server stopped with its key is not a crash).
  const ended = await Promise.race([
    desktop.exited.then((code) => ({ who: 'desktop app', code })),
    ...(server ? [server.crashed.then((code) => ({ who: 'sync server', code }))] : []),
  ]);
  quit(`The ${ended.who} ended${ended.code === 0 ? '' : ` (exit ${ended.code})`}`, {
    exitCode: ended.code === 0 ? 0 : 1,
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`\n  ${err instanceof Error ? err.message : String(err)}\n\n`);
  quit('Start-up failed', { exitCode: 1 });
});
