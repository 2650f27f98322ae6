// npx tsx scripts/bench/search-typos.ts — what typo tolerance costs: catalog searches with and without a spelling
// correction, straight to PostgreSQL (caches off) and through the search's caches, on the 25-course demo and on the
// 50,000 courses of bench:api (BENCH_COURSES); and the desktop's offline search over the demo's cached summaries.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { createServer } from '../../sync-server/src/app.ts';
import { loadConfig } from '../../sync-server/src/config.ts';
import { startEmbeddedPostgres } from '../../sync-server/src/db/embedded.ts';
import { migrate } from '../../sync-server/src/db/migrate.ts';
import { courseSearch } from '../../sync-server/src/modules/catalog/search.ts';
import { catalogVersion } from '../../sync-server/src/modules/catalog/version.ts';
import { seedDemoIfEmpty } from '../../sync-server/src/seed/demo.ts';
import { catalogCache } from '../../desktop/src/core/store/catalog-cache.ts';
import { searchCachedCatalogTolerant } from '../../desktop/src/core/store/catalog-search.ts';
import { openStore } from '../../desktop/src/core/store/open.ts';
import { seedCourses } from './lib/catalog-seed.ts';

const COURSES = Number(process.env.BENCH_COURSES ?? 50_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const log = (m: string) => console.log(`[bench:search-typos] ${m}`);
const silent = pino({ level: 'silent' });

interface Timing {
  query: string;
  items: number;
  suggestion: string;
  median: number;
  p95: number;
}

async function time(
  label: string,
  run: () => Promise<{ items: unknown[]; suggestion?: string; suggestionApplied?: boolean }>,
): Promise<Timing> {
  const first = await run();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    await run();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return {
    query: label,
    items: first.items.length,
    suggestion: first.suggestion ? `${first.suggestion}${first.suggestionApplied ? ' (applied)' : ''}` : '',
    median: Number(ms[Math.floor(ms.length / 2)]!.toFixed(2)),
    p95: Number(ms[Math.floor(ms.length * 0.95)]!.toFixed(2)),
  };
}

/** The same queries straight to PostgreSQL (every cache off) and through the default caches (5 s). */
async function serverTimings(pool: pg.Pool, queries: string[]): Promise<void> {
  const version = catalogVersion(pool, silent);
  for (const [name, ttlMs] of [
    ['PostgreSQL, caches off', 0],
    ['through the caches', 5000],
  ] as const) {
    const search = courseSearch(pool, version, { ttlMs });
    const rows: Timing[] = [];
    for (const q of queries) rows.push(await time(q, () => search.search({ q, limit: 20 })));
    log(`${name} (ms per search, ${RUNS} runs each):`);
    console.table(rows);
  }
}

async function demo(dir: string): Promise<void> {
  const db = await startEmbeddedPostgres(path.join(dir, 'demo-pg'));
  try {
    const config = loadConfig({
      DATABASE_URL: db.url,
      LYCEUM_DATA_DIR: path.join(dir, 'demo-data'),
      JWT_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'silent',
      ANALYTICS_PROCESSOR: 'off',
    });
    const server = await createServer({ config, logger: silent });
    try {
      await seedDemoIfEmpty(server, { media: false });
      const pool = server.database.pool;
      const words = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM catalog_words');
      log(`demo: 25 courses, ${words.rows[0]!.n} catalog words`);
      await serverTimings(pool, [
        'python',
        'pyhton',
        'statistics',
        'statistcs',
        'Pyhton for beginers',
        'zqxvw',
      ]);

      // The desktop's offline search over the demo's summaries, cached as an online visit leaves them.
      const store = openStore(':memory:');
      const all = await server.catalog.service.search({ limit: 100 });
      catalogCache(store.db).putSummaries(all.items);
      const rows: Timing[] = [];
      for (const q of ['python', 'pyhton', 'statistcs', 'zqxvw'])
        rows.push(await time(q, () => searchCachedCatalogTolerant(store.db, { q, offset: 0, limit: 20 })));
      log(`desktop, offline over ${all.items.length} cached courses (ms per search):`);
      console.table(rows);
      store.close();
    } finally {
      await server.close();
    }
  } finally {
    await db.stop();
  }
}

async function bulk(dir: string): Promise<void> {
  const db = await startEmbeddedPostgres(path.join(dir, 'bulk-pg'));
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  pool.on('error', () => {});
  try {
    await migrate(pool);
    const instructors = (
      await pool.query<{ id: string; name: string }>(
        `INSERT INTO users (id, email, name, password_hash, role)
         SELECT gen_random_uuid(), 'instructor' || g || '@bench.test', 'Instructor ' || g, 'x', 'instructor'
         FROM generate_series(1, 100) g RETURNING id, name`,
      )
    ).rows;
    const t0 = Date.now();
    await seedCourses(pool, COURSES, instructors);
    await pool.query('ANALYZE catalog_words');
    const words = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM catalog_words');
    log(
      `${COURSES} courses seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s (word list kept by the triggers), ` +
        `${words.rows[0]!.n} catalog words`,
    );
    await serverTimings(pool, [
      'python',
      'pyhton',
      'kubernetes',
      'kubernetse',
      'statistcs calculsu',
      'zqxvw',
    ]);
  } finally {
    await pool.end();
    await db.stop();
  }
}

async function main() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-bench-typos-'));
  await fs.chmod(dir, 0o755);
  try {
    await demo(dir);
    await bulk(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
