import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthResponse } from '@lyceum/contracts';
import { startServerProcess, type ServerProcess } from '../../../../test/server-process.ts';
import { eventually, inboxRows, publishedCourse, setLessonDates, type Api } from './test-support.ts';

/**
 * The scheduler in real server processes (`tsx src/main.ts start`, the scheduler on as in `npm start`): killed with
 * SIGKILL between scheduling and the due time, then started again; two processes on one database.
 */

const HOUR = 3_600_000;
const running: ServerProcess[] = [];
const pools: pg.Pool[] = [];
afterEach(async () => {
  for (const p of pools.splice(0)) await p.end().catch(() => {});
  for (const s of running.splice(0).reverse()) s.kill();
});

const env = { SCHEDULER_POLL_MS: '200' };
/** The server's own process (tsx runs it as a child): the owner its PostgreSQL records. */
const serverPid = (s: ServerProcess) =>
  Number(fs.readFileSync(path.join(s.dataDir, 'postgres', 'postmaster.owner'), 'utf8'));

function databaseUrl(s: ServerProcess): string {
  const password = fs.readFileSync(path.join(s.dataDir, 'postgres', 'pg-password'), 'utf8').trim();
  return `postgres://lyceum:${encodeURIComponent(password)}@127.0.0.1:${s.pgPort}/lyceum`;
}

function poolOf(s: ServerProcess): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl(s), max: 2 });
  pool.on('error', () => {});
  pools.push(pool);
  return pool;
}

function apiOf(url: string): Api {
  return async (method, p, opts = {}) => {
    const res = await fetch(url + p, {
      method,
      headers: {
        ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      },
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as never };
  };
}

async function account(api: Api, pool: pg.Pool, role: 'student' | 'instructor') {
  const email = `${role}-${randomUUID()}@example.com`;
  const password = 'Correct-Horse-9';
  const r = await api<AuthResponse>('POST', '/api/v1/auth/signup', { body: { email, password, name: role } });
  expect(r.status).toBe(201);
  if (role === 'student') return { id: r.body.user.id, token: r.body.accessToken };
  await pool.query(`UPDATE users SET role = 'instructor' WHERE id = $1`, [r.body.user.id]);
  const login = await api<AuthResponse>('POST', '/api/v1/auth/login', { body: { email, password } });
  return { id: login.body.user.id, token: login.body.accessToken };
}

/** A published course with one due lesson (due `dueIn` ms after it is set) and enrolled students. */
async function classroom(
  api: Api,
  pool: pg.Pool,
  students: number,
  dates: { dueIn?: number; releaseIn?: number },
) {
  const teacher = await account(api, pool, 'instructor');
  const course = await publishedCourse(api, teacher.token, [{ title: 'Essay' }, { title: 'Bonus' }]);
  const ids: string[] = [];
  for (let i = 0; i < students; i++) {
    const s = await account(api, pool, 'student');
    expect((await api('POST', `/api/v1/courses/${course.id}/enrollment`, { token: s.token })).status).toBe(
      201,
    );
    ids.push(s.id);
  }
  const now = Date.now();
  await setLessonDates(api, teacher.token, course, {
    Essay: dates.dueIn !== undefined ? { dueAt: new Date(now + dates.dueIn) } : {},
    Bonus: dates.releaseIn !== undefined ? { releaseAt: new Date(now + dates.releaseIn) } : {},
  });
  const [essay, bonus] = course.modules[0]!.lessons.map((l) => l.id) as [string, string];
  return { courseId: course.id, essay, bonus, students: ids, dueAt: new Date(now + (dates.dueIn ?? 0)) };
}

const countBy = (rows: { dedupe_key: string }[]) => {
  const m = new Map<string, number>();
  for (const r of rows) m.set(r.dedupe_key, (m.get(r.dedupe_key) ?? 0) + 1);
  return m;
};

describe('the scheduler across restarts and nodes', () => {
  it('killed with SIGKILL before a reminder is due, then started again: the reminder is sent exactly once', async () => {
    const first = await startServerProcess({ tty: false, env });
    running.push(first);
    const pool1 = poolOf(first);
    // Due in an hour and 30 s: the 24 h reminder goes at once, the 1 h one 30 s from now.
    const c = await classroom(apiOf(first.url), pool1, 2, { dueIn: HOUR + 30_000 });
    const keys24 = c.students.map((s) => `deadline:${c.essay}:${s}:24h`).sort();
    const keys1 = c.students.map((s) => `deadline:${c.essay}:${s}:1h`).sort();
    await eventually(
      async () => ((await inboxRows(pool1, `deadline:${c.essay}:%:24h`)).length === 2 ? true : undefined),
      60_000,
      'the 24 h reminders',
    );
    expect(Date.now()).toBeLessThan(c.dueAt.getTime() - HOUR);
    process.kill(serverPid(first), 'SIGKILL');
    await first.exited;
    expect(await inboxRows(pool1, `deadline:${c.essay}:%:1h`)).toEqual([]);
    await pool1.end();
    pools.splice(pools.indexOf(pool1), 1);

    const second = await startServerProcess({ tty: false, env, dataDir: first.dataDir });
    running.push(second);
    const pool2 = poolOf(second);
    const rows = await eventually(
      async () => {
        const r = await inboxRows(pool2, `deadline:${c.essay}:%`);
        return r.length >= 4 ? r : undefined;
      },
      90_000,
      'the 1 h reminders after the restart',
    );
    expect(Date.now()).toBeGreaterThanOrEqual(c.dueAt.getTime() - HOUR);
    // A little longer: nothing more arrives.
    await new Promise((r) => setTimeout(r, 1500));
    const settled = await inboxRows(pool2, `deadline:${c.essay}:%`);
    expect(settled).toHaveLength(rows.length);
    expect([...countBy(settled).entries()].sort()).toEqual([...keys1, ...keys24].sort().map((k) => [k, 1]));
    const stopAt = Date.now();
    second.interrupt('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(10_000);
  }, 240_000);

  it('two server processes on one database: each reminder and release is delivered once', async () => {
    const a = await startServerProcess({ tty: false, env });
    running.push(a);
    const b = await startServerProcess({ tty: false, env: { ...env, DATABASE_URL: databaseUrl(a) } });
    running.push(b);
    const pool = poolOf(a);
    const c = await classroom(apiOf(b.url), pool, 3, { dueIn: HOUR + 4000, releaseIn: 4000 });
    const expected = [
      ...c.students.flatMap((s) => [`deadline:${c.essay}:${s}:24h`, `deadline:${c.essay}:${s}:1h`]),
      `release:${c.bonus}`,
      `release:${c.bonus}`,
      `release:${c.bonus}`,
    ];
    await eventually(
      async () => {
        const n =
          (await inboxRows(pool, `deadline:${c.essay}:%`)).length +
          (await inboxRows(pool, `release:${c.bonus}`)).length;
        return n >= expected.length ? true : undefined;
      },
      90_000,
      'reminders and releases',
    );
    await new Promise((r) => setTimeout(r, 1500));
    const all = [
      ...(await inboxRows(pool, `deadline:${c.essay}:%`)),
      ...(await inboxRows(pool, `release:${c.bonus}`)),
    ];
    expect(all.map((r) => r.dedupe_key).sort()).toEqual(expected.sort());
    // Each student got one release notification.
    expect(new Set(all.filter((r) => r.type === 'content_released').map((r) => r.user_id)).size).toBe(3);
    // Both nodes ran the worker; neither left jobs behind.
    const left = await pool.query(`SELECT key FROM graphile_worker.jobs WHERE key LIKE $1 OR key = $2`, [
      `deadline:${c.essay}:%`,
      `release:${c.bonus}`,
    ]);
    expect(left.rows).toEqual([]);
    const stopAt = Date.now();
    b.interrupt('SIGTERM');
    expect(await b.exited).toBe(0);
    a.interrupt('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(15_000);
  }, 240_000);
});
