// npm run bench:api — catalog search and an authenticated write mix against one sync server on embedded
// PostgreSQL with 50,000 courses, loaded over loopback from this (separate) process with autocannon, beside a
// bare Express "hello" route measured with the same tool in the same run.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { LyceumClient } from '@lyceum/client';
import { startEmbeddedPostgres } from '../../sync-server/src/db/embedded.ts';
import { migrate } from '../../sync-server/src/db/migrate.ts';
import { hashPassword } from '../../sync-server/src/modules/identity/passwords.ts';
import { courseInput, courseSpecs } from '../../sync-server/src/seed/courses.ts';
import { freePort } from '@lyceum/testing';
import { seedCourses } from './lib/catalog-seed.ts';
import { printTable, runLoad, type LoadResult } from './lib/load.ts';
import { repoRoot, startProcess } from './lib/processes.ts';

const COURSES = Number(process.env.BENCH_COURSES ?? 50_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const STUDENTS = 200;
const PASSWORD = 'Bench-Passw0rd-42';

const log = (m: string) => console.log(`[bench:api] ${m}`);

async function main() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-bench-'));
  await fs.chmod(dir, 0o755);
  const db = await startEmbeddedPostgres(path.join(dir, 'postgres'));
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  pool.on('error', () => {}); // idle clients see PostgreSQL stop at the end
  const children: { stop(): Promise<void> }[] = [];
  try {
    await migrate(pool);
    const hash = await hashPassword(PASSWORD);
    const t0 = Date.now();
    const instructors = (
      await pool.query<{ id: string; name: string }>(
        `INSERT INTO users (id, email, name, password_hash, role)
         SELECT gen_random_uuid(), 'instructor' || g || '@bench.test', 'Instructor ' || (ARRAY['Ada','Grace','Alan','Edsger','Barbara','Donald'])[1 + g % 6] || ' ' || g, $1, 'instructor'
         FROM generate_series(1, 100) g RETURNING id, name`,
        [hash],
      )
    ).rows;
    await pool.query(
      `INSERT INTO users (id, email, name, password_hash, role)
       SELECT gen_random_uuid(), 'student' || g || '@bench.test', 'Student ' || g, $1, 'student' FROM generate_series(1, $2::int) g`,
      [hash, STUDENTS],
    );
    await seedCourses(pool, COURSES, instructors);
    log(
      `seeded ${COURSES} courses, 100 instructors, ${STUDENTS} students in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );

    const port = await freePort();
    const server = await startProcess(
      path.join(repoRoot, 'sync-server/src/main.ts'),
      ['start'],
      {
        DATABASE_URL: db.url,
        PORT: String(port),
        LYCEUM_DATA_DIR: dir,
        SEED_DEMO: 'false',
        LOG_LEVEL: 'warn',
        DB_POOL_SIZE: '20',
        // The search mix is one client searching as fast as it can: what the rate limits exist to stop. Raised
        // (not switched off), so every search still counts in the shared store as in production.
        RATE_LIMIT_SEARCH_PER_MINUTE: String(1e9),
        RATE_LIMIT_DASHBOARD_PER_MINUTE: String(1e9),
        RATE_LIMIT_EXPORT_PER_MINUTE: String(1e9),
      },
      port,
      '/ready',
    );
    children.push(server);
    const helloPort = await freePort();
    const hello = await startProcess(
      path.join(repoRoot, 'scripts/bench/hello-server.ts'),
      [],
      { PORT: String(helloPort) },
      helloPort,
      '/ready',
    );
    children.push(hello);

    // Courses with real structure for the write mix, made through the API, and students enrolled in them.
    const teacher = new LyceumClient({ baseUrl: server.url });
    await teacher.login('instructor1@bench.test', PASSWORD);
    const targets: { courseId: string; lessonIds: string[]; quizLessonId: string; questionIds: string[] }[] =
      [];
    for (const spec of courseSpecs.filter((s) => !s.after && !s.draft && !s.price).slice(0, 8)) {
      const course = await teacher.call('createCourse', { body: courseInput(spec, []) });
      await teacher.call('publishCourse', { params: { id: course.id } });
      const lessons = course.modules.flatMap((m) => m.lessons);
      const practice = lessons.find((l) => l.kind === 'quiz' && l.quiz && !l.quiz.graded)!;
      targets.push({
        courseId: course.id,
        lessonIds: lessons.filter((l) => l.kind !== 'quiz').map((l) => l.id),
        quizLessonId: practice.id,
        questionIds: (practice.quiz?.questions ?? []).map((q) => q.id),
      });
    }
    const tokens: string[] = [];
    for (let i = 1; i <= STUDENTS; i++) {
      const s = new LyceumClient({ baseUrl: server.url });
      const a = await s.login(`student${i}@bench.test`, PASSWORD);
      for (const t of targets) await s.call('enroll', { params: { id: t.courseId } });
      tokens.push(a.accessToken);
    }
    log(`${targets.length} structured courses, ${STUDENTS} students enrolled in each`);

    const searches = [
      '/api/v1/courses?q=python',
      '/api/v1/courses?q=intro%20stat&level=beginner',
      '/api/v1/courses?q=pract&sort=rating',
      '/api/v1/courses?subject=Mathematics&type=cohort',
      '/api/v1/courses?language=es&price=free&sort=popularity',
      '/api/v1/courses?q=guitar&minDuration=60&maxDuration=600',
      '/api/v1/courses?level=advanced&price=paid&sort=newest',
      '/api/v1/courses?q=found%20calc',
      '/api/v1/courses?q=kubernetes&language=en&type=self_paced',
      '/api/v1/courses',
    ];
    let si = 0;
    let wi = 0;
    const pick = <T>(a: T[]) => a[Math.floor(Math.random() * a.length)]!;
    const write = () => {
      const token = pick(tokens);
      const t = pick(targets);
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      if (wi++ % 2 === 0) {
        const start = Math.floor(Math.random() * 300);
        return {
          method: 'POST' as const,
          path: '/api/v1/progress',
          headers,
          body: JSON.stringify({
            id: randomUUID(),
            courseId: t.courseId,
            lessonId: pick(t.lessonIds),
            positionSeconds: start + 30,
            watchedIntervals: [[start, start + 30]],
            completed: Math.random() < 0.2,
            occurredAt: new Date().toISOString(),
          }),
        };
      }
      const answers = Object.fromEntries(t.questionIds.map((q) => [q, Math.random() < 0.5 ? 'a' : 'b']));
      return {
        method: 'POST' as const,
        path: '/api/v1/quiz-attempts',
        headers,
        body: JSON.stringify({
          id: randomUUID(),
          courseId: t.courseId,
          lessonId: t.quizLessonId,
          answers,
          submittedAt: new Date().toISOString(),
        }),
      };
    };
    const acked: string[] = [];
    const scenario = (
      name: string,
      url: string,
      next: Parameters<typeof runLoad>[0]['next'],
      onResponse?: (s: number, b: string) => void,
    ) => runLoad({ name, url, connections: CONNECTIONS, durationSeconds: SECONDS, next, onResponse });

    log(`warming up; then ${SECONDS} s per scenario with ${CONNECTIONS} connections`);
    await runLoad({
      name: 'warmup',
      url: server.url,
      connections: 8,
      durationSeconds: 3,
      next: () => ({ method: 'GET', path: searches[si++ % searches.length]! }),
    });
    await runLoad({ name: 'warmup', url: server.url, connections: 8, durationSeconds: 3, next: write });
    const baseline = await scenario('bare Express hello', hello.url, () => ({
      method: 'GET',
      path: '/hello',
    }));
    const search = await scenario('catalog search (10 filter mixes)', server.url, () => ({
      method: 'GET',
      path: searches[si++ % searches.length]!,
    }));
    const writes = await scenario('writes (progress + quiz attempts)', server.url, write, (status, body) => {
      if (status === 201) acked.push((JSON.parse(body) as { id: string }).id);
    });
    await new Promise((r) => setTimeout(r, 500)); // let requests still in flight at the end land
    const lost = await missing(pool, acked);
    const rows: (LoadResult & { baseline?: LoadResult; target?: string; pass?: boolean })[] = [
      baseline,
      {
        ...search,
        baseline,
        target: '≥1500 req/s, p99 ≤ 50 ms',
        pass: search.rps >= 1500 && search.p99 <= 50 && search.non2xx === 0,
      },
      {
        ...writes,
        baseline,
        target: '≥1000 req/s, p99 ≤ 100 ms',
        pass: writes.rps >= 1000 && writes.p99 <= 100 && writes.non2xx === 0,
      },
    ];
    console.log('');
    printTable(rows);
    console.log(
      `\nwrites acknowledged with 201: ${acked.length}; of those missing from the database: ${lost}; ` +
        `acknowledged twice: ${acked.length - new Set(acked).size}`,
    );
    console.log(
      `catalog: ${COURSES} courses; machine: ${os.cpus().length} cores; server and load generator in separate processes`,
    );
  } finally {
    for (const c of children.reverse()) await c.stop();
    await pool.end();
    await db.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** How many acknowledged write ids have no row (progress event or quiz attempt) in the database. */
async function missing(pool: pg.Pool, ids: string[]): Promise<number> {
  const r = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM unnest($1::uuid[]) AS a(id)
     WHERE NOT EXISTS (SELECT 1 FROM progress_events p WHERE p.id = a.id)
       AND NOT EXISTS (SELECT 1 FROM quiz_attempts q WHERE q.id = a.id)`,
    [ids],
  );
  return r.rows[0]!.n;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
