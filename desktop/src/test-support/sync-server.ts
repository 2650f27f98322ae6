import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '@lyceum/testing';
import type { z } from 'zod';
import type { CourseCreate, CourseDetail, Role } from '@lyceum/contracts';

/** A course body as sent (defaults may be left out). */
export type CourseInput = z.input<typeof CourseCreate>;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Whether the sync server has its sync module (the desktop sync tests are skipped without it). */
export const serverHasSync = fs.existsSync(path.join(repoRoot, 'sync-server/src/modules/sync/routes.ts'));
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');

export interface Account {
  id: string;
  email: string;
  password: string;
  token: string;
}

export interface SyncServerProcess {
  url: string;
  dataDir: string;
  api: <T = unknown>(
    method: string,
    p: string,
    opts?: { token?: string; body?: unknown },
  ) => Promise<{ status: number; body: T }>;
  /** Sign up through the API; other roles are granted with one SQL update (there is no admin to ask in an empty server). */
  user: (role: Role, name?: string) => Promise<Account>;
  /** Create a course through the API as this instructor and publish it. */
  publishedCourse: (instructor: Account, input: CourseInput) => Promise<CourseDetail>;
  /** This student enrolls in the course and rates it, straight on the server (not through a device). */
  rate: (student: Account, courseId: string, rating: { stars: number; review?: string }) => Promise<void>;
  /** Raw SQL on the server's database (test set-up that has no API, e.g. the change log's low-water mark). */
  sql: (text: string, values?: unknown[]) => Promise<Record<string, unknown>[]>;
  /** SIGTERM and wait: the server stops its embedded PostgreSQL itself. */
  stop: () => Promise<void>;
  /** Start it again on the same port and data. */
  restart: () => Promise<void>;
}

async function waitReady(
  url: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`The sync server exited with code ${child.exitCode}:\n${output()}`);
    try {
      const res = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(1000) });
      // Only our sync server's answer counts (not some other process that took the port meanwhile).
      const body: unknown = res.ok ? await res.json().catch(() => null) : null;
      if ((body as { status?: unknown } | null)?.status === 'ready') return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The sync server did not become ready in ${timeoutMs} ms:\n${output()}`);
}

/**
 * A real sync server as a child process (`tsx sync-server/src/main.ts start`) with its own embedded PostgreSQL in a
 * temp data dir, on a free port, without demo data.
 */
export async function startSyncServer(): Promise<SyncServerProcess> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-desktop-srv-'));
  fs.chmodSync(dataDir, 0o755);
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess;
  let log = '';

  async function launch(): Promise<void> {
    log = '';
    child = spawn(process.execPath, [tsxCli, 'sync-server/src/main.ts', 'start'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        LYCEUM_DATA_DIR: dataDir,
        SEED_DEMO: 'false',
        LOG_LEVEL: 'warn',
        INIT_CWD: repoRoot,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => (log += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (log += c.toString()));
    await waitReady(url, child, () => log);
  }

  async function stop(): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }

  async function sql(text: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
    const pgDir = path.join(dataDir, 'postgres');
    const pgPort = fs
      .readFileSync(path.join(pgDir, 'pgdata', 'postmaster.pid'), 'utf8')
      .split('\n')[3]
      ?.trim();
    const password = fs.readFileSync(path.join(pgDir, 'pg-password'), 'utf8').trim();
    const client = new pg.Client({
      host: '127.0.0.1',
      port: Number(pgPort),
      user: 'lyceum',
      password,
      database: 'lyceum',
    });
    await client.connect();
    try {
      return (await client.query(text, values)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  }

  const api: SyncServerProcess['api'] = async (method, p, opts = {}) => {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url + p, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as never };
  };

  let n = 0;
  async function login(email: string, password: string): Promise<{ id: string; token: string }> {
    const r = await api<{ user: { id: string }; accessToken: string }>('POST', '/api/v1/auth/login', {
      body: { email, password },
    });
    if (r.status !== 200) throw new Error(`login failed: ${r.status} ${JSON.stringify(r.body)}`);
    return { id: r.body.user.id, token: r.body.accessToken };
  }

  await launch();
  return {
    url,
    dataDir,
    api,
    async user(role, name) {
      n += 1;
      const email = `${role}${n}@desktop.test`;
      const password = `Lyceum-desktop-${n}-pass!`;
      const r = await api('POST', '/api/v1/auth/signup', {
        body: { email, password, name: name ?? `${role} ${n}` },
      });
      if (r.status !== 201) throw new Error(`signup failed: ${r.status} ${JSON.stringify(r.body)}`);
      if (role !== 'student') await sql('UPDATE users SET role = $1 WHERE email = $2', [role, email]);
      return { email, password, ...(await login(email, password)) };
    },
    async publishedCourse(instructor, input) {
      const created = await api<CourseDetail>('POST', '/api/v1/courses', {
        token: instructor.token,
        body: input,
      });
      if (created.status !== 201)
        throw new Error(`create course failed: ${created.status} ${JSON.stringify(created.body)}`);
      const id = created.body.id;
      let published = await api<CourseDetail>('POST', `/api/v1/courses/${id}/publish`, {
        token: instructor.token,
      });
      // The server refuses video and slides lessons without their file (publish_blocked); these fixtures attach
      // their media afterwards, so a course blocked only by that is published as a set-up step.
      const problems = (published.body as { error?: { details?: { problems?: { code: string }[] } } }).error
        ?.details?.problems;
      if (
        published.status === 422 &&
        problems?.every((p) => p.code === 'video_not_ready' || p.code === 'slides_not_ready')
      ) {
        await sql(
          `UPDATE courses SET status = 'published', published_at = now(), version = version + 1 WHERE id = $1`,
          [id],
        );
        published = await api<CourseDetail>('GET', `/api/v1/courses/${id}`, { token: instructor.token });
      }
      if (published.status !== 200)
        throw new Error(`publish failed: ${published.status} ${JSON.stringify(published.body)}`);
      return published.body;
    },
    async rate(student, courseId, rating) {
      const enrolled = await api('POST', `/api/v1/courses/${courseId}/enrollment`, { token: student.token });
      if (enrolled.status >= 300)
        throw new Error(`enroll failed: ${enrolled.status} ${JSON.stringify(enrolled.body)}`);
      const rated = await api('PUT', `/api/v1/courses/${courseId}/ratings/me`, {
        token: student.token,
        body: rating,
      });
      if (rated.status !== 200)
        throw new Error(`rating failed: ${rated.status} ${JSON.stringify(rated.body)}`);
    },
    sql,
    stop,
    restart: launch,
  };
}

/** Remove a data dir after the server using it has stopped. */
export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
