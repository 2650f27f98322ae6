import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type LyceumServer } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createCourse } from '../factories.ts';
import { startTestServer, type TestServer } from '../harness.ts';

/**
 * Two API nodes on one PostgreSQL and no Redis: revocations travel by LISTEN/NOTIFY and rate limits count in
 * PostgreSQL, so both still hold across nodes (the Redis variant: scaled.test.ts).
 */
const LIMITS = {
  RATE_LIMIT_SEARCH_PER_MINUTE: '4',
  RATE_LIMIT_DASHBOARD_PER_MINUTE: '3',
  RATE_LIMIT_EXPORT_PER_MINUTE: '2',
  RATE_LIMIT_IP_FACTOR: '3',
};

let a: TestServer;
let b: LyceumServer;
let bUrl: string;
let bDir: string;

beforeAll(async () => {
  a = await startTestServer(LIMITS);
  bDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-node-b-'));
  b = await createServer({
    config: loadConfig({
      ...LIMITS,
      DATABASE_URL: a.server.config.DATABASE_URL,
      JWT_SECRET: a.server.config.JWT_SECRET,
      LYCEUM_DATA_DIR: bDir,
      LOG_LEVEL: 'silent',
      DB_POOL_SIZE: '3',
      ANALYTICS_PROCESSOR: 'off',
    }),
    logger: pino({ level: 'silent' }),
  });
  bUrl = await b.listen(0, '127.0.0.1');
});
afterAll(async () => {
  await b?.close();
  await a?.close();
  if (bDir) await fs.rm(bDir, { recursive: true, force: true });
});

const onB = async (method: string, p: string, token?: string, headers: Record<string, string> = {}) => {
  const r = await fetch(bUrl + p, {
    method,
    headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  const text = await r.text();
  return { status: r.status, headers: r.headers, body: text.startsWith('{') ? JSON.parse(text) : text };
};
const nodes = [
  (p: string, token?: string, headers?: Record<string, string>) => a.api('GET', p, { token, headers }),
  (p: string, token?: string, headers?: Record<string, string>) => onB('GET', p, token, headers),
];

describe('two API nodes on one PostgreSQL, without Redis', () => {
  it('refuses a signed-out access token on the other node within 1 s (LISTEN/NOTIFY)', async () => {
    const s = await a.user('student');
    expect((await onB('GET', '/api/v1/me', s.token)).status).toBe(200); // B caches the session as alive
    const t0 = Date.now();
    const out = await a.api('POST', '/api/v1/auth/logout', { body: { refreshToken: s.refreshToken } });
    expect(out.status).toBe(204);
    await expect
      .poll(async () => (await onB('GET', '/api/v1/me', s.token)).status, { interval: 20, timeout: 1000 })
      .toBe(401);
    console.log(`[two nodes, PostgreSQL] logout on A refused on B after ${Date.now() - t0} ms`);
  });

  it('counts searches, analytics reads and exports per user in PostgreSQL, across both nodes', async () => {
    const s = await a.user('student');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await nodes[i % 2]!(`/api/v1/courses?q=find${i}`, s.token)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const refused = await nodes[1]!('/api/v1/courses?q=again', s.token);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      error: { code: 'rate_limited', details: { scope: 'user', policy: 'search' } },
    });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another user is not held back by that one; browsing without words is not counted.
    const other = await a.user('student');
    expect((await nodes[1]!('/api/v1/courses?q=mine', other.token)).status).toBe(200);
    expect((await nodes[0]!('/api/v1/courses', s.token)).status).toBe(200);

    const teacher = await a.user('instructor');
    const course = await createCourse(a.server.database.pool, { ownerId: teacher.id });
    const exports: number[] = [];
    for (let i = 0; i < 3; i++)
      exports.push((await nodes[i % 2]!(`/api/v1/courses/${course.id}/gradebook.csv`, teacher.token)).status);
    expect(exports).toEqual([200, 200, 429]);
    const reads: number[] = [];
    for (let i = 0; i < 4; i++)
      reads.push(
        (await nodes[i % 2]!(`/api/v1/analytics/dashboard?courseId=${course.id}`, teacher.token)).status,
      );
    expect(reads).toEqual([200, 200, 200, 429]);
  });

  it('counts anonymous searches per client address (the per-user limit times RATE_LIMIT_IP_FACTOR)', async () => {
    // Clients behind the loopback proxy (TRUST_PROXY's default): their address comes from X-Forwarded-For.
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    const perIp = 4 * 3;
    const statuses: number[] = [];
    for (let i = 0; i <= perIp; i++)
      statuses.push(
        (await nodes[i % 2]!(`/api/v1/courses?q=anon${i}`, undefined, from('198.51.100.7'))).status,
      );
    expect(statuses).toEqual([...Array<number>(perIp).fill(200), 429]);
    const refused = await nodes[0]!('/api/v1/courses?q=anon', undefined, from('198.51.100.7'));
    expect(refused.body).toMatchObject({ error: { code: 'rate_limited', details: { scope: 'ip' } } });
    expect((await nodes[1]!('/api/v1/courses?q=anon', undefined, from('198.51.100.8'))).status).toBe(200);
  });
});
