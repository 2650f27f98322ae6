import { it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createTestDatabase } from '../../../test/harness.ts';
import { createServer } from '../../app.ts';
import { loadConfig } from '../../config.ts';
async function bulkCourses(pool: import("pg").Pool, ownerId: string, n: number): Promise<void> {
  await pool.query(
    `INSERT INTO courses (id, owner_id, title, description, subject, tags, tags_text, language, type, level, price_cents, currency,
       status, duration_minutes, lesson_count, instructor_names, published_at, rating_avg, rating_count, enrollment_count)
     SELECT gen_random_uuid(), $1,
       (ARRAY['Python','Java','Rust','Golang','Painting','Cooking','Statistics','Physics','History','Music'])[1 + i % 10]
         || ' course ' || i || ' topic' || (i % 500),
       'Lesson plan number ' || i || ' about ' || (ARRAY['data','web','art','science','life','travel','money'])[1 + i % 7],
       (ARRAY['Programming','Data','Art','Science','Humanities'])[1 + i % 5],
       ARRAY['tag' || (i % 50)], 'tag' || (i % 50),
       (ARRAY['en','de','fr','es'])[1 + i % 4],
       (ARRAY['self_paced','instructor_led','cohort'])[1 + i % 3],
       (ARRAY['beginner','intermediate','advanced'])[1 + (i / 3) % 3],
       CASE WHEN i % 2 = 0 THEN 0 ELSE 1999 END, CASE WHEN i % 2 = 0 THEN NULL ELSE 'USD' END,
       CASE WHEN i % 10 = 7 THEN 'draft' ELSE 'published' END,
       i % 300, 1 + i % 20, 'Teacher ' || (i % 100),
       date_trunc('milliseconds', now()) - make_interval(mins => i), (i % 50) / 10.0, i % 7, i % 1000
     FROM generate_series(1, $2::int) i`,
    [ownerId, n],
  );
  await pool.query('ANALYZE courses');
}


it('scratch perf', async () => {
  const db = await createTestDatabase();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-perf-'));
  const config = loadConfig({ DATABASE_URL: db.url, LYCEUM_DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(64), LOG_LEVEL: 'silent', DB_POOL_SIZE: '20' });
  const server = await createServer({ config, logger: pino({ level: 'silent' }) });
  const url = await server.listen(0, '127.0.0.1');
  const owner = await server.identity.accounts.createUser({ email: 'o@example.test', password: 'Correct-Horse-42', name: 'Owner', role: 'instructor' });
  await bulkCourses(server.database.pool, owner.id, 50_000);
  await server.database.pool.query('VACUUM ANALYZE courses');
  const paths = (process.env.PERF_PATHS ?? '/api/v1/courses?q=python|/api/v1/courses|/api/v1/courses?q=topic17&level=advanced|/api/v1/courses?subject=Art&price=free&sort=rating').split('|');
  const stats = new Map<string, { n: number; ms: number }>();
  const pool = server.database.pool as unknown as { query: (...a: unknown[]) => Promise<unknown> };
  const orig = pool.query.bind(pool);
  pool.query = async (...args: unknown[]) => {
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text: string }).text;
    const vals = (Array.isArray(args[1]) ? args[1] : []) as unknown[];
    const kind = text.includes('GROUP BY') ? 'groups' : text.includes('"durationMinutes"\n') || (text.includes('sortKey') && !text.includes('excerpt')) ? 'head:' + (text.includes('@@') ? 'q' : '') : text.includes('ANY($1::uuid[])') ? 'byids' : text.includes('sortKey') ? 'items:' + (text.includes('ts_rank') ? 'rank' : text.match(/ORDER BY (\S+)/)?.[1]) + (text.includes('@@') ? ':q' : '') : 'other';
    const t0 = performance.now();
    try { return await orig(...args); } finally {
      const e = stats.get(kind) ?? { n: 0, ms: 0 }; e.n++; e.ms += performance.now() - t0; stats.set(kind, e);
      void vals;
    }
  };
  for (const mode of (process.env.PERF_MODES ?? 'common,random,common').split(',')) {
    const { stdout } = await promisify(execFile)('node', ['/tmp/perf/varied.mjs', url, mode, '50', process.env.PERF_DUR ?? '10'], { encoding: 'utf8' });
    console.log('PERF', stdout.trim());
  }
  for (const [k, v] of stats) console.log('PERF stat', k, v.n, 'avg', (v.ms / v.n).toFixed(1), 'total', v.ms.toFixed(0));
  await server.close();
  await db.drop();
}, 600_000);
