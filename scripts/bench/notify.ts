// npm run bench:notify — an announcement (with email) to a course with 50,000 enrolled students: the time until every
// inbox row exists (the set-based fan-out) and until every email was handed to a loopback SMTP sink, emails/s, beside
// the same rows written by a plain INSERT … SELECT in the same run. The sync server runs in this process with
// SMTP_URL pointing at the sink (notification mail shares a small pool of kept-open SMTP connections); PostgreSQL is
// embedded. Targets on a 2-core machine: fan-out ≤ 2 s, ≥ 1,000 emails/s.
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { pino } from 'pino';
import type { Announcement } from '@lyceum/contracts';
import { freePort } from '@lyceum/testing';
import { createServer } from '../../sync-server/src/app.ts';
import { benchConfig, benchDatabase } from './lib/bench-database.ts';
import { createCourse } from '../../sync-server/test/factories.ts';

const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 50_000);
const log = (m: string) => console.log(`[bench:notify] ${m}`);

/** The loopback SMTP sink in its own process (notify-sink.ts); counts what it accepted, per 1,000. */
async function smtpSink() {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'notify-sink.ts')],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let accepted = 0;
  let last = 0;
  let buffer = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).split(' ');
        buffer = buffer.slice(nl + 1);
        if (line[0] === 'listening') resolve(Number(line[1]));
        if (line[0] === 'accepted') {
          accepted = Number(line[1]);
          last = Number(line[2]);
        }
      }
    });
  });
  return {
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
    accepted: () => accepted,
    /** When the last thousand was accepted (epoch ms). */
    lastAt: () => last,
    close: () =>
      new Promise<void>((r) => {
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

async function waitUntil(cond: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

async function main() {
  const db = await benchDatabase('notify');
  const sink = await smtpSink();
  let server: Awaited<ReturnType<typeof createServer>> | null = null;
  try {
    const config = benchConfig(db, {
      DB_POOL_SIZE: '20',
      // Emails go out through the scheduler's delivery job (the one delivery path), woken by the fan-out.
      SCHEDULER: 'on',
      SMTP_URL: sink.url,
      MAIL_FROM: 'Lyceum <no-reply@bench.test>',
    });
    server = await createServer({ config, logger: pino({ level: 'warn' }) });
    const port = await freePort();
    const url = await server.listen(port, '127.0.0.1');
    const pool = server.database.pool;

    const teacher = await server.identity.accounts.createUser({
      email: 'teacher@bench.test',
      password: 'Bench-Passw0rd-42',
      name: 'Teacher',
      role: 'instructor',
    });
    const token = (await server.identity.sessions.issue(teacher)).accessToken;
    const course = await createCourse(pool, {
      ownerId: teacher.id,
      status: 'published',
      title: 'Bench course',
    });
    let t0 = performance.now();
    // Seeding only: row triggers off (the enrollment counter and sync log are per row), the counter set once after.
    const seed = await pool.connect();
    await seed.query(`SET session_replication_role = replica`);
    await seed.query(
      `INSERT INTO users (id, email, name, password_hash, role)
       SELECT uuidv7(), 'student' || g || '@bench.test', 'Student ' || g, 'x', 'student' FROM generate_series(1, $1) g`,
      [STUDENTS],
    );
    await seed.query(
      `INSERT INTO enrollments (id, course_id, user_id, status, source)
       SELECT uuidv7(), $1, id, 'active', 'instructor' FROM users WHERE role = 'student'`,
      [course.id],
    );
    await seed.query(`SET session_replication_role = DEFAULT`);
    seed.release();
    await pool.query('UPDATE courses SET enrollment_count = $2 WHERE id = $1', [course.id, STUDENTS]);
    await pool.query('ANALYZE');
    log(`seeded ${STUDENTS} enrolled students in ${Math.round(performance.now() - t0)} ms`);

    // Baseline: the same rows by a plain INSERT … SELECT into a copy of the table (same columns, defaults, indexes;
    // no sync trigger, no email rows, no preferences).
    await pool.query('CREATE TABLE bench_plain (LIKE notifications INCLUDING DEFAULTS INCLUDING INDEXES)');
    t0 = performance.now();
    const plain = await pool.query(
      `INSERT INTO bench_plain (id, user_id, type, course_id, title, body, url, dedupe_key, push)
       SELECT uuidv7(), e.user_id, 'announcement', e.course_id, 'Plain', 'Plain body', NULL, 'announcement:plain', true
       FROM enrollments e WHERE e.course_id = $1 AND e.status IN ('active', 'completed')`,
      [course.id],
    );
    const plainMs = performance.now() - t0;
    log(`plain INSERT … SELECT: ${plain.rowCount} rows in ${Math.round(plainMs)} ms`);

    // The announcement, through the API, by email too.
    t0 = performance.now();
    const postedAt = Date.now();
    const res = await fetch(`${url}/api/v1/courses/${course.id}/announcements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ title: 'Exam moved', body: 'The **exam** is on Friday, room 7.', email: true }),
    });
    const answered = performance.now() - t0;
    if (res.status !== 201) throw new Error(`announcement: ${res.status} ${await res.text()}`);
    const a = (await res.json()) as Announcement;
    const { rows } = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM notifications WHERE announcement_id = $1',
      [a.id],
    );
    const fanOutMs = performance.now() - t0;
    log(
      `fan-out: ${rows[0]!.n} inbox rows (+ ${STUDENTS} email deliveries, sync change rows) — POST answered in ${Math.round(answered)} ms, all rows present at ${Math.round(fanOutMs)} ms`,
    );

    const done = await waitUntil(() => sink.accepted() >= STUDENTS, 600_000);
    const mailMs = sink.lastAt() - postedAt;
    const emailsPerSecond = (sink.accepted() / mailMs) * 1000;
    log(
      `email: ${sink.accepted()} / ${STUDENTS} handed to the SMTP sink ${done ? '' : '(TIMED OUT) '}in ${Math.round(mailMs)} ms after the POST ` +
        `→ ${Math.round(emailsPerSecond)} emails/s`,
    );
    await waitUntil(async () => {
      const r = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM notification_emails WHERE status = 'sent'`,
      );
      return r.rows[0]!.n >= STUDENTS;
    }, 30_000);
    const sent = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM notification_emails WHERE status = 'sent'`,
    );
    console.log('');
    console.log('| measure | value | target |');
    console.log('|---|---|---|');
    console.log(`| plain INSERT … SELECT (${plain.rowCount} rows) | ${Math.round(plainMs)} ms | – |`);
    console.log(`| announcement fan-out: every inbox row exists | ${Math.round(fanOutMs)} ms | ≤ 2000 ms |`);
    console.log(`| every email handed to the SMTP sink | ${Math.round(mailMs)} ms | – |`);
    console.log(`| emails/s | ${Math.round(emailsPerSecond)} | ≥ 1000 |`);
    console.log(`| deliveries marked sent | ${sent.rows[0]!.n} | ${STUDENTS} |`);
    // Other work on the machine skews every figure: say how busy it was.
    console.log(
      `| load average (1/5/15 min) | ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' / ')} | – |`,
    );
  } finally {
    await server?.close();
    await sink.close();
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
