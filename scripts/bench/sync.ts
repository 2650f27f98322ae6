// npm run bench:sync — 500 simulated devices reconnect at once, each pushing its 200 queued mutations (progress records
// and quiz attempts) in one request, against one sync server (child process) on embedded PostgreSQL; then an initial
// sync of a student with 20 enrolled courses (2,000 lessons). Beside it, in the same run: the same rows inserted by a
// plain batched INSERT. Lost and duplicated mutations are counted in the database.
import fs from 'node:fs/promises';
import fs2 from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Mutation, PullResponse, PushResponse } from '@lyceum/contracts';
import { freePort } from '@lyceum/testing';
import { startEmbeddedPostgres } from '../../sync-server/src/db/embedded.ts';
import { migrate } from '../../sync-server/src/db/migrate.ts';
import { accessTokens } from '../../sync-server/src/modules/identity/tokens.ts';
import { cpuSeconds, descendants } from './lib/cpu.ts';
import { repoRoot, startProcess, type Child } from './lib/processes.ts';
import { enrollAll, seedStructuredCourses, seedStudents, type BenchCourse } from './lib/sync-seed.ts';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 500);
const PER_DEVICE = Number(process.env.BENCH_MUTATIONS ?? 200);
const COURSES = 20;
const COURSES_PER_STUDENT = 4;
const QUIZ_SHARE = 0.15;
const RETRIED_DEVICES = Math.min(50, DEVICES);

const log = (m: string) => console.log(`[bench:sync] ${m}`);
const pick = <T>(a: T[]) => a[Math.floor(Math.random() * a.length)]!;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};

interface Device {
  userId: string;
  token: string;
  deviceId: string;
  mutations: Mutation[];
}

function mutationsFor(courses: BenchCourse[], n: number): Mutation[] {
  const out: Mutation[] = [];
  const base = Date.now() - 3_600_000;
  for (let i = 0; i < n; i++) {
    const course = pick(courses);
    const createdAt = new Date(base + i * 1000).toISOString();
    const common = { id: randomUUID(), clientSeq: i, createdAt };
    if (Math.random() < QUIZ_SHARE) {
      const quiz = pick(course.lessons.filter((l) => l.quiz));
      const answers = Object.fromEntries(quiz.questionIds.map((q) => [q, Math.random() < 0.5]));
      out.push({
        ...common,
        name: 'submitQuizAttempt',
        args: { id: randomUUID(), courseId: course.id, lessonId: quiz.id, answers, submittedAt: createdAt },
      });
    } else {
      const lesson = pick(course.lessons.filter((l) => !l.quiz));
      const start = Math.floor(Math.random() * 500);
      out.push({
        ...common,
        name: 'recordProgress',
        args: {
          id: randomUUID(),
          courseId: course.id,
          lessonId: lesson.id,
          positionSeconds: start + 30,
          watchedIntervals: [[start, start + 30]],
          completed: Math.random() < 0.2,
          occurredAt: createdAt,
        },
      });
    }
  }
  return out;
}

async function push(url: string, d: Device, mutations = d.mutations) {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/sync/push`, {
    method: 'POST',
    headers: { authorization: `Bearer ${d.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ deviceId: d.deviceId, mutations }),
  });
  const body = (await res.json()) as PushResponse;
  const ms = performance.now() - t0;
  const timing = res.headers.get('server-timing') ?? '';
  const apply = Number(/apply;dur=([\d.]+)/.exec(timing)?.[1] ?? NaN);
  if (res.status !== 200)
    throw new Error(`push answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return { ms, apply, body };
}

async function main() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-bench-sync-'));
  await fs.chmod(dir, 0o755);
  const db = await startEmbeddedPostgres(path.join(dir, 'postgres'));
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  pool.on('error', () => {});
  let server: Child | null = null;
  try {
    await migrate(pool);
    const t0 = Date.now();
    const [owner] = (
      await pool.query<{ id: string }>(
        `INSERT INTO users (id, email, name, password_hash, role) VALUES (gen_random_uuid(), 'teacher@bench.test', 'Bench Instructor', 'x', 'instructor') RETURNING id`,
      )
    ).rows;
    const courses = await seedStructuredCourses(pool, owner!.id, COURSES);
    const students = await seedStudents(pool, DEVICES + 20, 'device');
    const [reader] = await seedStudents(pool, 1, 'reader');
    const enrolledIn = new Map<string, BenchCourse[]>();
    const pairs: { userId: string; courseId: string }[] = [];
    for (const [i, userId] of students.entries()) {
      const mine = Array.from({ length: COURSES_PER_STUDENT }, (_, k) => courses[(i + k * 5) % COURSES]!);
      enrolledIn.set(userId, mine);
      for (const c of mine) pairs.push({ userId, courseId: c.id });
    }
    for (const c of courses) pairs.push({ userId: reader!, courseId: c.id });
    await enrollAll(pool, pairs);
    // The reader studied half of every course already: their initial sync carries 1,000 lesson states too.
    await pool.query(
      `INSERT INTO lesson_progress (user_id, course_id, lesson_id, position_seconds, completed, completed_at, last_activity_at)
       SELECT $1, l.course_id, l.id, 60, true, now(), now() FROM lessons l WHERE l.course_id = ANY($2::uuid[]) AND l.position % 2 = 0`,
      [reader, courses.map((c) => c.id)],
    );
    log(
      `seeded ${COURSES} courses × 100 lessons, ${students.length + 1} students in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );

    if (process.env.BENCH_EXPERIMENT === 'no-triggers')
      await pool.query(
        'ALTER TABLE lesson_progress DISABLE TRIGGER USER; ALTER TABLE quiz_attempts DISABLE TRIGGER USER',
      );
    const secret = randomBytes(32).toString('hex');
    const port = await freePort();
    server = await startProcess(
      path.join(repoRoot, 'sync-server/src/main.ts'),
      ['start'],
      {
        DATABASE_URL: db.url,
        PORT: String(port),
        LYCEUM_DATA_DIR: dir,
        SEED_DEMO: 'false',
        LOG_LEVEL: 'warn',
        DB_POOL_SIZE: '20',
        JWT_SECRET: secret,
      },
      port,
      '/ready',
    );
    const tokens = accessTokens(secret, 3600);
    const devices: Device[] = await Promise.all(
      students.map(async (userId) => ({
        userId,
        token: await tokens.sign({ sub: userId, role: 'student' }),
        deviceId: randomUUID(),
        mutations: mutationsFor(enrolledIn.get(userId)!, PER_DEVICE),
      })),
    );
    const warm = devices.splice(DEVICES);
    log(`warming up with ${warm.length} devices`);
    await Promise.all(warm.map((d) => push(server!.url, d, d.mutations.slice(0, 50))));

    // --- the herd: every device pushes its whole outbox at once ---
    log(`${DEVICES} devices push ${PER_DEVICE} mutations each, all at once`);
    const serverPids = descendants(server.proc.pid!);
    // Our cluster only (other PostgreSQL clusters may run on this machine): the postmaster started on our data dir.
    const postmaster = [...descendants(1)].find((pid) => {
      try {
        return fs2.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
      } catch {
        return false;
      }
    });
    const cpu = () => {
      const pgPids = postmaster ? descendants(postmaster) : new Set<number>();
      return {
        server: cpuSeconds((_c, pid) => serverPids.has(pid)),
        postgres: cpuSeconds((_c, pid) => pgPids.has(pid)),
      };
    };
    const loadBefore = os.loadavg()[0]!;
    const cpuBefore = cpu();
    const start = performance.now();
    // What the database's busy connections wait on during the herd (sampled every 50 ms).
    const waits: Record<string, number> = {};
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const r = await pool.query<{ w: string; n: number }>(
          `SELECT coalesce(wait_event_type || ':' || wait_event, 'cpu') AS w, count(*)::int AS n FROM pg_stat_activity
           WHERE state = 'active' AND pid <> pg_backend_pid() AND backend_type = 'client backend' GROUP BY 1`,
        );
        for (const x of r.rows) waits[x.w] = (waits[x.w] ?? 0) + x.n;
        await new Promise((res) => setTimeout(res, 50));
      }
    })();
    const pushes = await Promise.all(devices.map((d) => push(server!.url, d)));
    sampling = false;
    await sampler;
    const wall = (performance.now() - start) / 1000;
    const cpuAfter = cpu();
    const total = DEVICES * PER_DEVICE;
    const statuses = pushes.flatMap((p) =>
      p.body.results.map((r) =>
        r.status === 'applied' ? (r.duplicate ? 'duplicate' : 'applied') : `rejected:${r.code}`,
      ),
    );
    const tally = statuses.reduce<Record<string, number>>(
      (acc, s) => ((acc[s] = (acc[s] ?? 0) + 1), acc),
      {},
    );

    // --- lost answers: some devices send the same batch again ---
    const retries = await Promise.all(devices.slice(0, RETRIED_DEVICES).map((d) => push(server!.url, d)));
    const retriedDup = retries
      .flatMap((p) => p.body.results)
      .filter((r) => r.status === 'applied' && r.duplicate).length;

    // --- verify in the database ---
    const ids = devices.flatMap((d) =>
      d.mutations.map((m) => ({ mutation: m.id, row: (m.args as { id: string }).id, kind: m.name })),
    );
    const check = await pool.query<{
      lost_rows: number;
      dup_rows: number;
      recorded: number;
      dup_recorded: number;
    }>(
      `WITH want AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(mutation uuid, "row" uuid, kind text))
       SELECT
         (SELECT count(*) FROM want w WHERE NOT EXISTS (SELECT 1 FROM progress_events p WHERE p.id = w."row")
            AND NOT EXISTS (SELECT 1 FROM quiz_attempts a WHERE a.id = w."row"))::int AS lost_rows,
         (SELECT count(*) FROM (SELECT id FROM progress_events WHERE id IN (SELECT "row" FROM want) GROUP BY id HAVING count(*) > 1) d)::int
           + (SELECT count(*) FROM (SELECT id FROM quiz_attempts WHERE id IN (SELECT "row" FROM want) GROUP BY id HAVING count(*) > 1) d)::int AS dup_rows,
         (SELECT count(*) FROM sync_mutations WHERE mutation_id IN (SELECT mutation FROM want))::int AS recorded,
         (SELECT count(*) FROM (SELECT user_id, lesson_id, attempt_no FROM quiz_attempts GROUP BY 1, 2, 3 HAVING count(*) > 1) d)::int AS dup_recorded`,
      [JSON.stringify(ids)],
    );
    const v = check.rows[0]!;

    // --- baseline: the same rows by plain batched INSERTs into copies of the tables ---
    await pool.query('CREATE TABLE bench_progress_events (LIKE progress_events INCLUDING ALL)');
    await pool.query('CREATE TABLE bench_quiz_attempts (LIKE quiz_attempts INCLUDING ALL)');
    const rows = devices.flatMap((d) => d.mutations.map((m) => ({ userId: d.userId, m })));
    const baseStart = performance.now();
    for (let i = 0; i < rows.length; i += 1000) {
      const chunk = rows.slice(i, i + 1000);
      const prog = chunk
        .filter((r) => r.m.name === 'recordProgress')
        .map((r) => {
          const a = r.m.args as Extract<Mutation, { name: 'recordProgress' }>['args'];
          return {
            id: a.id,
            user_id: r.userId,
            course_id: a.courseId,
            lesson_id: a.lessonId,
            position_seconds: a.positionSeconds,
            completed: a.completed,
            occurred_at: a.occurredAt,
            w: a.watchedIntervals![0],
          };
        });
      const att = chunk
        .filter((r) => r.m.name === 'submitQuizAttempt')
        .map((r, k) => {
          const a = r.m.args as Extract<Mutation, { name: 'submitQuizAttempt' }>['args'];
          return {
            id: a.id,
            user_id: r.userId,
            course_id: a.courseId,
            lesson_id: a.lessonId,
            attempt_no: i + k + 1,
            answers: a.answers,
            submitted_at: a.submittedAt,
          };
        });
      await pool.query(
        `INSERT INTO bench_progress_events (id, user_id, course_id, lesson_id, position_seconds, watched, completed, occurred_at, content_hash)
         SELECT x.id, x.user_id, x.course_id, x.lesson_id, x.position_seconds, nummultirange(numrange((x.w->>0)::numeric, (x.w->>1)::numeric, '[]')),
           x.completed, x.occurred_at, 'h'
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, user_id uuid, course_id uuid, lesson_id uuid, position_seconds float8, completed boolean, occurred_at timestamptz, w jsonb)`,
        [JSON.stringify(prog)],
      );
      await pool.query(
        `INSERT INTO bench_quiz_attempts (id, user_id, course_id, lesson_id, attempt_no, answers, score, max_score, percent, passed, results, submitted_at, content_hash)
         SELECT x.id, x.user_id, x.course_id, x.lesson_id, x.attempt_no, x.answers, 0, 3, 0, false, '[]', x.submitted_at, 'h'
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, user_id uuid, course_id uuid, lesson_id uuid, attempt_no int, answers jsonb, submitted_at timestamptz)`,
        [JSON.stringify(att)],
      );
    }
    const baseSeconds = (performance.now() - baseStart) / 1000;

    // --- initial sync of a student with 20 courses (2,000 lessons) ---
    const readerToken = await tokens.sign({ sub: reader!, role: 'student' });
    const readerDevice = randomUUID();
    const syncStart = performance.now();
    let cursor: string | null = null;
    let pages = 0;
    let changes = 0;
    let bytes = 0;
    const kinds: Record<string, number> = {};
    for (;;) {
      const res = await fetch(`${server.url}/api/v1/sync/pull`, {
        method: 'POST',
        headers: { authorization: `Bearer ${readerToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ deviceId: readerDevice, cursor, limit: 500 }),
      });
      const text = await res.text();
      bytes += text.length;
      const page = JSON.parse(text) as PullResponse;
      if (res.status !== 200 || page.resyncRequired) throw new Error(`pull failed: ${text.slice(0, 300)}`);
      pages += 1;
      changes += page.changes.length;
      for (const c of page.changes) kinds[c.entity] = (kinds[c.entity] ?? 0) + 1;
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    const syncSeconds = (performance.now() - syncStart) / 1000;

    // --- report ---
    const lat = pushes.map((p) => p.ms);
    const apply = pushes.map((p) => p.apply);
    const rate = total / wall;
    const lines: [string, string, string, string][] = [
      [
        'mutations applied per second (500 × 200 at once)',
        `${rate.toFixed(0)} /s (${total} in ${wall.toFixed(2)} s)`,
        '≥ 10,000 /s',
        rate >= 10_000 ? 'yes' : 'NO',
      ],
      [
        'baseline: same rows, plain batched INSERT (1,000/stmt)',
        `${(total / baseSeconds).toFixed(0)} rows/s (${baseSeconds.toFixed(2)} s)`,
        '—',
        '—',
      ],
      [
        'push latency p50 / p99, client-observed (queue incl.)',
        `${pct(lat, 50).toFixed(0)} / ${pct(lat, 99).toFixed(0)} ms`,
        '—',
        '—',
      ],
      [
        'push latency p50 / p99, server apply (queue excl.)',
        `${pct(apply, 50).toFixed(0)} / ${pct(apply, 99).toFixed(0)} ms`,
        'p99 ≤ 1,000 ms',
        pct(apply, 99) <= 1000 ? 'yes' : 'NO',
      ],
      [
        'initial sync, 20 courses / 2,000 lessons',
        `${syncSeconds.toFixed(2)} s, ${pages} pages, ${changes} changes (${(changes / syncSeconds).toFixed(0)} /s, ${(bytes / 1e6).toFixed(1)} MB)`,
        '≤ 3 s',
        syncSeconds <= 3 ? 'yes' : 'NO',
      ],
      [
        'lost mutations (rows missing in the database)',
        String(v.lost_rows),
        '0',
        v.lost_rows === 0 ? 'yes' : 'NO',
      ],
      [
        'duplicated mutations (rows stored twice)',
        String(v.dup_rows + v.dup_recorded),
        '0',
        v.dup_rows + v.dup_recorded === 0 ? 'yes' : 'NO',
      ],
      [
        'mutations recorded in sync_mutations',
        `${v.recorded} of ${total}`,
        `${total}`,
        v.recorded === total ? 'yes' : 'NO',
      ],
      [
        `retried pushes (${RETRIED_DEVICES} devices resend their batch)`,
        `${retriedDup} of ${RETRIED_DEVICES * PER_DEVICE} answered duplicate`,
        'all',
        retriedDup === RETRIED_DEVICES * PER_DEVICE ? 'yes' : 'NO',
      ],
    ];
    const w = [0, 1, 2, 3].map((i) => Math.max(...lines.map((l) => l[i]!.length), 6));
    console.log('');
    console.log(['measure', 'result', 'target', 'met'].map((h, i) => h.padEnd(w[i]!)).join('  '));
    console.log(w.map((x) => '-'.repeat(x)).join('  '));
    for (const l of lines) console.log(l.map((c, i) => c.padEnd(w[i]!)).join('  '));
    console.log(
      `\nresults of the herd: ${JSON.stringify(tally)}; initial sync entities: ${JSON.stringify(kinds)}`,
    );
    console.log(
      `database wait samples during the herd (active connections × samples): ${JSON.stringify(waits)}`,
    );
    console.log(
      `CPU during the herd: server ${(cpuAfter.server - cpuBefore.server).toFixed(1)} s, PostgreSQL ${(cpuAfter.postgres - cpuBefore.postgres).toFixed(1)} s (wall ${wall.toFixed(1)} s)`,
    );
    console.log(
      `load average (1 min) before the herd: ${loadBefore.toFixed(2)} (other work on this machine skews every figure)`,
    );
    console.log(
      `machine: ${os.cpus().length} cores; server (pool 20, ≤ 2 × cores pushes applied at once) and load generator in separate processes`,
    );
  } finally {
    if (server) await server.stop();
    await pool.end();
    await db.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
