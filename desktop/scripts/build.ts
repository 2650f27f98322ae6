import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Builds the desktop app: the renderer (Vite), the Electron main + preload bundles and the web-mode core (esbuild). */

export const desktopRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(desktopRoot, '..');
const rendererOut = path.join(desktopRoot, 'dist', 'renderer');
const mainOut = path.join(desktopRoot, 'dist', 'main');
const webOut = path.join(desktopRoot, 'dist', 'web');
/** The web-mode core as one file: starts several times faster than compiling the TypeScript at launch. */
export const webBundle = path.join(webOut, 'cli.mjs');

function newestMtime(entries: string[]): number {
  let newest = 0;
  const visit = (p: string) => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(p))
        if (e !== 'node_modules' && !e.endsWith('.test.ts')) visit(path.join(p, e));
    } else newest = Math.max(newest, st.mtimeMs);
  };
  entries.forEach(visit);
  return newest;
}

const outputTime = (file: string) => fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;

/** True when dist/renderer is missing or older than any of its sources. */
export function rendererStale(): boolean {
  const sources = [
    path.join(desktopRoot, 'src/renderer'),
    // The local API's schemas: all the renderer shares with the core (an eslint rule keeps it from importing the core).
    path.join(desktopRoot, 'src/contracts'),
    path.join(desktopRoot, 'vite.config.ts'),
    path.join(repoRoot, 'packages/contracts/src'),
    path.join(repoRoot, 'packages/ui/src'),
  ];
  return outputTime(path.join(rendererOut, 'index.html')) < newestMtime(sources);
}

/** True when the Electron bundles are missing or older than the main, preload or core sources. */
export function mainStale(): boolean {
  const sources = [
    path.join(desktopRoot, 'src/main'),
    path.join(desktopRoot, 'src/preload'),
    path.join(desktopRoot, 'src/core'),
    path.join(desktopRoot, 'src/contracts'),
    path.join(repoRoot, 'packages/contracts/src'),
    path.join(repoRoot, 'packages/client/src'),
  ];
  return (
    Math.min(outputTime(path.join(mainOut, 'index.mjs')), outputTime(path.join(mainOut, 'preload.cjs'))) <
    newestMtime(sources)
  );
}

export async function buildRenderer(): Promise<void> {
  const { build } = await import('vite');
  // Under a test runner NODE_ENV is "test", which would give React's development build: the app always ships production.
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: path.join(desktopRoot, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
    });
  } finally {
    if (before === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = before;
  }
}

export async function buildMain(): Promise<void> {
  const esbuild = await import('esbuild');
  const common = {
    bundle: true,
    platform: 'node' as const,
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning' as const,
  };
  await esbuild.build({
    ...common,
    entryPoints: [path.join(desktopRoot, 'src/main/index.ts')],
    outfile: path.join(mainOut, 'index.mjs'),
    format: 'esm',
    // Native and Electron modules stay outside the bundle; CommonJS dependencies inside it still get a `require`.
    external: ['electron', 'better-sqlite3'],
    banner: {
      js: "import { createRequire as __lyceumCreateRequire } from 'node:module'; const require = __lyceumCreateRequire(import.meta.url);",
    },
  });
  // A sandboxed preload must be one CommonJS file that requires nothing but 'electron'.
  await esbuild.build({
    ...common,
    entryPoints: [path.join(desktopRoot, 'src/preload/index.ts')],
    outfile: path.join(mainOut, 'preload.cjs'),
    format: 'cjs',
    external: ['electron'],
  });
  await esbuild.build({
    ...common,
    entryPoints: [path.join(desktopRoot, 'src/core/cli.ts')],
    outfile: webBundle,
    format: 'esm',
    external: ['better-sqlite3'],
    banner: {
      js: "import { createRequire as __lyceumCreateRequire } from 'node:module'; const require = __lyceumCreateRequire(import.meta.url);",
    },
  });
  // The SQL migrations are read at run time from beside each bundle.
  for (const out of [mainOut, webOut]) {
    const migrations = path.join(out, 'migrations');
    fs.rmSync(migrations, { recursive: true, force: true });
    fs.cpSync(path.join(desktopRoot, 'src/core/store/migrations'), migrations, { recursive: true });
  }
}

async function main(args: string[]): Promise<void> {
  const ifStale = args.includes('--if-stale');
  const only = args.find((a) => a === '--renderer' || a === '--main');
  const started = Date.now();
  const did: string[] = [];
  if (only !== '--main' && (!ifStale || rendererStale())) {
    await buildRenderer();
    did.push('renderer');
  }
  if (only !== '--renderer' && (!ifStale || mainStale())) {
    await buildMain();
    did.push('main + preload + web core');
  }
  process.stdout.write(
    did.length
      ? `Built desktop ${did.join(', ')} in ${Date.now() - started} ms\n`
      : 'Desktop build is up to date\n',
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
