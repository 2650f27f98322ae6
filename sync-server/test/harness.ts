import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { inject } from 'vitest';
import type { Role } from '@lyceum/contracts';
import { createServer, type LyceumServer } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Mailer, MailMessage } from '../src/lib/mailer.ts';

/** A fresh database cloned from the migrated template; dropped by the returned function. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = inject('pgAdminUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE lyceum_template`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Captures sent mail so tests can read reset links; delayMs: each send takes that long, as an SMTP round trip does. */
export function memoryMailer(delayMs = 0): Mailer & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    sent,
    send: async (m) => {
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      sent.push(m);
    },
  };
}

export interface TestServer {
  server: LyceumServer;
  url: string;
  mail: MailMessage[];
  /** fetch against the server; JSON bodies are encoded; answers status + parsed JSON. */
  api: <T = unknown>(
    method: string,
    p: string,
    opts?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ) => Promise<{ status: number; body: T; headers: Headers }>;
  /** Create an account with the given role directly and sign it in. */
  user: (
    role: Role,
    name?: string,
  ) => Promise<{ id: string; email: string; password: string; token: string; refreshToken: string }>;
  close: () => Promise<void>;
}

export async function startTestServer(
  env: Record<string, string> = {},
  opts: {
    mailDelayMs?: number;
    /** Instead of the in-memory mailer (e.g. SMTP to a loopback server). */
    mailer?: Mailer;
  } = {},
): Promise<TestServer> {
  const database = await createTestDatabase();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-test-data-'));
  const config = loadConfig({
    DATABASE_URL: database.url,
    LYCEUM_DATA_DIR: dataDir,
    JWT_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: '5',
    // In this process's own thread: tests reach the processor directly (a worker thread needs the tsx loader,
    // which child servers started with tsx have; their tests cover ANALYTICS_PROCESSOR=thread).
    ANALYTICS_PROCESSOR: 'embedded',
    // The job scheduler is on in `npm start`; tests that need it pass SCHEDULER: 'on'.
    SCHEDULER: 'off',
    ...env,
  });
  const mailer = memoryMailer(opts.mailDelayMs);
  const server = await createServer({
    config,
    mailer: opts.mailer ?? mailer,
    validateResponses: true,
    logger: pino({ level: 'silent' }),
  });
  const url = await server.listen(0, '127.0.0.1');
  let n = 0;
  const api: TestServer['api'] = async (method, p, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    }
    const res = await fetch(url + p, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as never, headers: res.headers };
  };
  return {
    server,
    url,
    mail: mailer.sent,
    api,
    async user(role, name) {
      n += 1;
      const email = `${role}${n}-${randomBytes(3).toString('hex')}@example.test`;
      const password = 'Correct-Horse-42';
      const row = await server.identity.accounts.createUser({
        email,
        password,
        name: name ?? `${role} ${n}`,
        role,
      });
      const session = await server.identity.sessions.issue(row);
      return { id: row.id, email, password, token: session.accessToken, refreshToken: session.refreshToken };
    },
    async close() {
      await server.close();
      await database.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
