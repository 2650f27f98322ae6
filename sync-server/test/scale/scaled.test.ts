import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import {
  AnalyticsChangedEvent,
  LYCEUM_ACCOUNT_HOME,
  SyncPokeEvent,
  VERBS,
  activityIri,
} from '@lyceum/contracts';
import { createCourse } from '../factories.ts';
import { missingTools, startTopology, type Topology } from './topology.ts';

/**
 * Two API nodes and the analytics processor on one PostgreSQL, sharing a real Redis, behind a real haproxy
 * (deploy/haproxy/haproxy.cfg): pokes, revocations, rate limits and client addresses hold across nodes.
 */
const missing = missingTools();
if (missing) console.warn(`[scaled topology] skipped: ${missing}`);

const SEARCH_PER_USER = 6;
const IP_FACTOR = 2;
const ACCOUNTS_PER_IP = 3;

let topo: Topology;
const sockets: Socket[] = [];

beforeAll(async () => {
  if (missing) return;
  topo = await startTopology({
    // haproxy reaches the nodes from 127.0.0.1: only that peer's X-Forwarded-For is believed.
    TRUST_PROXY: '127.0.0.1',
    RATE_LIMIT_SEARCH_PER_MINUTE: String(SEARCH_PER_USER),
    RATE_LIMIT_IP_FACTOR: String(IP_FACTOR),
    RATE_LIMIT_ACCOUNT_PER_MINUTE: String(ACCOUNTS_PER_IP),
  });
}, 150_000);
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await topo?.stop();
}, 60_000);

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: { error?: { code: string; message: string; details?: Record<string, unknown> } } & Record<
    string,
    unknown
  >;
}

/** One HTTP request from a chosen loopback address (127.0.0.x): a distinct client as the balancer sees it. */
function call(
  base: string,
  method: string,
  path: string,
  o: { from?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const payload = o.body === undefined ? undefined : JSON.stringify(o.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}${path}`,
      {
        method,
        localAddress: o.from ?? '127.0.0.1',
        agent: false,
        headers: {
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
          ...o.headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : {} }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function signup(from: string) {
  const r = await call(topo.lbUrl, 'POST', '/api/v1/auth/signup', {
    from,
    body: { email: `${randomUUID()}@scale.test`, password: 'Scale-Passw0rd-42', name: 'Scale Tester' },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const user = r.body.user as { id: string };
  return { id: user.id, token: r.body.accessToken as string, refreshToken: r.body.refreshToken as string };
}

async function online(url: string, token: string) {
  const pokes: number[] = [];
  const socket = connect(url, {
    path: '/socket.io',
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
  });
  sockets.push(socket);
  socket.on(SyncPokeEvent, () => pokes.push(Date.now()));
  await new Promise<void>((resolve, reject) => {
    socket.once('sync:ready', () => resolve());
    socket.once('connect_error', reject);
  });
  return pokes;
}

async function waitFor(cond: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return cond();
}

describe.skipIf(missing)('several API nodes behind haproxy, sharing Redis and PostgreSQL', () => {
  it('pokes a client connected to one node within 1 s of a change made through the other', async () => {
    const teacher = await signup('127.0.0.20');
    await topo.pool.query(`UPDATE users SET role = 'instructor' WHERE id = $1`, [teacher.id]);
    const courses = [
      await createCourse(topo.pool, { ownerId: teacher.id }),
      await createCourse(topo.pool, { ownerId: teacher.id }),
    ];
    const student = await signup('127.0.0.21');
    const [a, b] = topo.nodes as [(typeof topo.nodes)[0], (typeof topo.nodes)[0]];
    const onA = await online(a.url, student.token);
    const onB = await online(b.url, student.token);
    // And one through haproxy (websocket upgrade through the balancer), on whichever node it picks.
    const viaLb = await online(topo.lbUrl, student.token);

    // An enrollment through B, then one through A: whichever node numbers it, both sockets hear of it.
    const latencies: number[] = [];
    for (const [via, course] of [
      [b, courses[0]!],
      [a, courses[1]!],
    ] as const) {
      const before = { a: onA.length, b: onB.length, lb: viaLb.length };
      const t0 = Date.now();
      const r = await call(via.url, 'POST', `/api/v1/courses/${course.id}/enrollment`, {
        token: student.token,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(
        await waitFor(() => onA.length > before.a && onB.length > before.b && viaLb.length > before.lb, 1000),
      ).toBe(true);
      latencies.push(onA[before.a]! - t0, onB[before.b]! - t0, viaLb[before.lb]! - t0);
    }
    console.log(`[scaled topology] poke latency across nodes (ms): ${latencies.join(', ')}`);
    expect(Math.max(...latencies)).toBeLessThan(1000);
  });

  it('tells a dashboard on node A when the separate processor commits events uploaded through node B', async () => {
    const admin = await signup('127.0.0.28');
    await topo.pool.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [admin.id]);
    const student = await signup('127.0.0.29');
    const changed: number[] = [];
    const socket = connect(topo.nodes[0]!.url, {
      path: '/socket.io',
      auth: { token: admin.token },
      transports: ['websocket'],
      reconnection: false,
    });
    sockets.push(socket);
    socket.on(AnalyticsChangedEvent, () => changed.push(Date.now()));
    await new Promise<void>((resolve, reject) => {
      socket.once('sync:ready', () => resolve());
      socket.once('connect_error', reject);
    });
    const course = randomUUID();
    const statements = [0, 1, 2].map((i) => ({
      id: randomUUID(),
      actor: { account: { homePage: LYCEUM_ACCOUNT_HOME, name: student.id } },
      verb: { id: VERBS.completed },
      object: { id: activityIri.lesson(course, randomUUID()) },
      result: { completion: true },
      context: { contextActivities: { parent: [{ id: activityIri.course(course) }] } },
      timestamp: new Date(Date.now() - (5 - i) * 60_000).toISOString(),
    }));
    const t0 = Date.now();
    const up = await call(topo.nodes[1]!.url, 'POST', '/api/v1/analytics/events', {
      token: student.token,
      body: { deviceId: 'scale-device', sentAt: new Date().toISOString(), statements },
    });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(await waitFor(() => changed.length > 0, 10_000)).toBe(true);
    console.log(`[scaled topology] upload through B to analytics:changed on A: ${changed[0]! - t0} ms`);
    expect(topo.processorAlive()).toBe(true);
  });

  it('refuses a signed-out access token on the other node within 1 s', async () => {
    const [a, b] = topo.nodes as [(typeof topo.nodes)[0], (typeof topo.nodes)[0]];
    const s = await signup('127.0.0.22');
    // Node B has seen the session alive (and cached that).
    expect((await call(b.url, 'GET', '/api/v1/me', { token: s.token })).status).toBe(200);
    const t0 = Date.now();
    const out = await call(a.url, 'POST', '/api/v1/auth/logout', { body: { refreshToken: s.refreshToken } });
    expect(out.status).toBe(204);
    let last: Answer | null = null;
    const refused = await waitFor(async () => {
      last = await call(b.url, 'GET', '/api/v1/me', { token: s.token });
      return last.status === 401;
    }, 1000);
    const ms = Date.now() - t0;
    console.log(`[scaled topology] logout on A refused on B after ${ms} ms`);
    expect(refused, JSON.stringify(last)).toBe(true);
    expect(ms).toBeLessThan(1000);

    // Signing out everywhere through the balancer: refused by both nodes at once.
    const e = await signup('127.0.0.23');
    for (const n of topo.nodes)
      expect((await call(n.url, 'GET', '/api/v1/me', { token: e.token })).status).toBe(200);
    expect((await call(topo.lbUrl, 'POST', '/api/v1/auth/logout', { token: e.token, body: {} })).status).toBe(
      204,
    );
    for (const n of topo.nodes) {
      const r = await call(n.url, 'GET', '/api/v1/me', { token: e.token });
      expect(r.status).toBe(401);
      expect(r.body.error?.code).toBe('session_revoked');
    }
  });

  it('counts search rate limits in one store: N requests split over both nodes hit the limit at N', async () => {
    const s = await signup('127.0.0.24');
    const answers: Answer[] = [];
    for (let i = 0; i < SEARCH_PER_USER + 1; i++) {
      const node = topo.nodes[i % 2]!;
      answers.push(
        await call(node.url, 'GET', `/api/v1/courses?q=word${i}`, { from: '127.0.0.25', token: s.token }),
      );
    }
    expect(answers.slice(0, SEARCH_PER_USER).map((r) => r.status)).toEqual(Array(SEARCH_PER_USER).fill(200));
    const refused = answers[SEARCH_PER_USER]!;
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe('rate_limited');
    expect(refused.body.error?.details).toMatchObject({ scope: 'user', policy: 'search' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Browsing without words is not a search: still answered.
    expect(
      (await call(topo.lbUrl, 'GET', '/api/v1/courses', { from: '127.0.0.25', token: s.token })).status,
    ).toBe(200);

    // Anonymous searches through the balancer (round robin over A and B), per client address.
    const perIp = SEARCH_PER_USER * IP_FACTOR;
    const statuses: number[] = [];
    for (let i = 0; i < perIp + 1; i++)
      statuses.push(
        (await call(topo.lbUrl, 'GET', `/api/v1/courses?q=anon${i}`, { from: '127.0.0.26' })).status,
      );
    expect(statuses.slice(0, perIp)).toEqual(Array(perIp).fill(200));
    expect(statuses[perIp]).toBe(429);
    // Another client address is not held back by that one.
    expect((await call(topo.lbUrl, 'GET', '/api/v1/courses?q=other', { from: '127.0.0.27' })).status).toBe(
      200,
    );
  });

  it('sees the real client address through haproxy (TRUST_PROXY) and ignores X-Forwarded-For from anyone else', async () => {
    const attempt = (from: string, via = topo.lbUrl, headers: Record<string, string> = {}) =>
      call(via, 'POST', '/api/v1/auth/signup', {
        from,
        headers,
        body: { email: `${randomUUID()}@scale.test`, password: 'Scale-Passw0rd-42', name: 'Scale Tester' },
      });
    const statuses: number[] = [];
    for (let i = 0; i < ACCOUNTS_PER_IP + 1; i++) statuses.push((await attempt('127.0.0.40')).status);
    expect(statuses).toEqual([...Array(ACCOUNTS_PER_IP).fill(201), 429]);
    // Another client behind the same balancer has its own allowance.
    expect((await attempt('127.0.0.41')).status).toBe(201);
    // A client talking to a node directly cannot borrow (or exhaust) another address by claiming it.
    expect(
      (await attempt('127.0.0.42', topo.nodes[0]!.url, { 'x-forwarded-for': '127.0.0.40' })).status,
    ).toBe(201);
  });
});
