import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Build the admin console (Vite) into console/dist when it is missing or older than its sources. */
const consoleRoot = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(consoleRoot, '../..');
export const consoleDist = path.join(consoleRoot, 'dist');

function newest(p: string): number {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let n = 0;
  for (const e of fs.readdirSync(p))
    if (e !== 'node_modules' && e !== 'dist') n = Math.max(n, newest(path.join(p, e)));
  return n;
}

export function consoleStale(): boolean {
  const built = fs.statSync(path.join(consoleDist, 'index.html'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = [
    consoleRoot,
    path.join(repoRoot, 'packages/ui/src'),
    path.join(repoRoot, 'packages/contracts/src'),
  ];
  return built < Math.max(...sources.map(newest));
}

export async function buildConsole(): Promise<void> {
  const { build } = await import('vite');
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: path.join(consoleRoot, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
    });
  } finally {
    if (before === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = before;
  }
}

/** Build only when stale; true when it built. */
export async function ensureConsoleBuilt(): Promise<boolean> {
  if (!consoleStale()) return false;
  await buildConsole();
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildConsole();
  console.log(`admin console built into ${path.relative(process.cwd(), consoleDist)}`);
}
