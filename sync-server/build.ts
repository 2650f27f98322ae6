/**
 * Compile the server to JavaScript for production (the Docker image runs this, not tsx):
 *   dist/server/main.mjs         the CLI (start | processor | migrate | seed | create-user)
 *   dist/server/thread-main.mjs  the analytics processor's worker thread
 *   dist/server/migrations/      the SQL migrations (migrate.ts reads them beside its module)
 * npm packages stay external (installed beside it); the workspace packages (@lyceum/*, TypeScript) are bundled.
 * The output sits two folders below sync-server/, as src/http/console.ts does, so ../../console/dist still
 * names the admin console's bundle. Usage: tsx build.ts [outdir]
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = path.dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

/** The dev-only console builder (vite) is not part of the production server: its import fails and is reported. */
const noConsoleBuilder: Plugin = {
  name: 'no-console-builder',
  setup(b) {
    b.onResolve({ filter: /console\/build\.ts$/ }, (a) => ({ path: a.path, external: true }));
  },
};

export async function buildServer(outdir = path.join(root, 'dist', 'server')): Promise<string> {
  await fs.rm(outdir, { recursive: true, force: true });
  await build({
    entryPoints: {
      main: path.join(root, 'src/main.ts'),
      'thread-main': path.join(root, 'src/modules/analytics/processor/thread-main.ts'),
    },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    external: Object.keys(pkg.dependencies).filter((d) => !d.startsWith('@lyceum/')),
    plugins: [noConsoleBuilder],
    // Packages written in CommonJS that the bundle imports call require().
    banner: {
      js: "import { createRequire as __lyceumRequire } from 'node:module'; const require = __lyceumRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  await fs.cp(path.join(root, 'src/db/migrations'), path.join(outdir, 'migrations'), { recursive: true });
  return path.join(outdir, 'main.mjs');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = await buildServer(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  console.log(`built ${path.relative(process.cwd(), out)}`);
}
