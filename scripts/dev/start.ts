import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '../../sync-server/src/runtime/heap.ts';
import { findElectron } from './electron.ts';
import { onShutdownSignals, start, stopAll, type Managed } from './processes.ts';

/**
 * `npm start`: the whole product on one machine — the sync server (embedded PostgreSQL), then the desktop app connected
 * to it: an Electron window where Electron can start, else the desktop core in web mode with its URL printed.
 * `npm run start:desktop` (--desktop-only): the desktop side alone, against LYCEUM_SERVER_URL.
 * Flags: --web (skip Electron). Ctrl-C stops everything; the server stops its PostgreSQL itself.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const desktopDir = path.join(root, 'desktop');
const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const args = new Set(process.argv.slice(2));
const desktopOnly = args.has('--desktop-only');
const say = (line: string) => process.stdout.write(`  ${line}\n`);

function fail(message: string): never {
  process.stderr.write(`\n  ${message}\n\n`);
  void stopAll().then(() => process.exit(1));
  throw new Error(message);
}

/** Start the sync server, echo its output, and resolve with its URL once /ready answers. */
async function startServer(): Promise<{ proc: Managed; url: string }> {
  const proc = start(
    'sync server',
    process.execPath,
    [tsx, ...SERVER_NODE_FLAGS, 'sync-server/src/main.ts', 'start'],
    {
      cwd: root,
      env: { ...process.env, INIT_CWD: process.env.INIT_CWD ?? process.cwd() },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    proc.child.stdout?.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      seen += chunk.toString();
      const m = /ready at (https?:\/\/\S+)/.exec(seen);
      if (m?.[1]) resolve(m[1].replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//127.0.0.1:'));
    });
    void proc.exited.then((code) =>
      reject(new Error(`The sync server stopped before it was ready (exit ${code}).`)),
    );
  });
  for (let i = 0; i < 240; i++) {
    const ok = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { proc, url };
    await new Promise((r) => setTimeout(r, 250));
  }
  return fail(`The sync server at ${url} did not become ready.`);
}

async function build(): Promise<void> {
  const b = start(
    'desktop build',
    process.execPath,
    [tsx, path.join(desktopDir, 'scripts/build.ts'), '--if-stale'],
    { cwd: root },
  );
  const code = await b.exited;
  if (code !== 0) fail(`Building the desktop app failed (exit ${code}).`);
}

/** Electron, if it starts and stays up for a few seconds; otherwise the reason it did not. */
async function tryElectron(serverUrl: string): Promise<{ proc: Managed } | { why: string }> {
  const bin = findElectron(desktopDir);
  if (!bin.ok) return { why: bin.why };
  const proc = start('Electron', bin.path, [desktopDir], {
    cwd: root,
    env: { ...process.env, LYCEUM_SERVER_URL: serverUrl, INIT_CWD: process.env.INIT_CWD ?? process.cwd() },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
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

function startWeb(serverUrl: string): Managed {
  // The bundled core (built above) starts in a fraction of the time tsx needs to compile the sources.
  return start('desktop core', process.execPath, [path.join(desktopDir, 'dist/web/cli.mjs')], {
    cwd: root,
    env: { ...process.env, LYCEUM_SERVER_URL: serverUrl, INIT_CWD: process.env.INIT_CWD ?? process.cwd() },
  });
}

async function main(): Promise<void> {
  let shuttingDown = false;
  onShutdownSignals(() => (shuttingDown = true));

  let server: Managed | null = null;
  let serverUrl = process.env.LYCEUM_SERVER_URL ?? 'http://127.0.0.1:4000';
  if (!desktopOnly) {
    const s = await startServer();
    server = s.proc;
    serverUrl = s.url;
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

  await build();
  let desktop: Managed;
  const electron = args.has('--web') ? { why: '--web was given' } : await tryElectron(serverUrl);
  if ('proc' in electron) {
    desktop = electron.proc;
    say(`Desktop app: Electron window (sync server ${serverUrl}). Close the window or press Ctrl-C to stop.`);
  } else {
    say(`Electron is not starting here (${electron.why}); running the desktop core in web mode instead.`);
    desktop = startWeb(serverUrl);
  }

  // When one side ends by itself, stop the rest: closing the window ends the session, and so does a server crash.
  const ended = await Promise.race([
    desktop.exited.then((code) => ({ who: 'desktop', code })),
    ...(server ? [server.exited.then((code) => ({ who: 'sync server', code }))] : []),
  ]);
  if (shuttingDown) return;
  if (ended.code !== 0)
    process.stderr.write(`  The ${ended.who} stopped (exit ${ended.code}); stopping the rest.\n`);
  await stopAll();
  process.exit(ended.code === 0 ? 0 : 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`\n  ${err instanceof Error ? err.message : String(err)}\n`);
  void stopAll().then(() => process.exit(1));
});
