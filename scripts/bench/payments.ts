// npm run bench:payments — 2,000 checkouts completed through the sandbox gateway at once, each webhook delivered
// twice: fulfilled orders/s, webhook acknowledgement p50/p99, double enrollments (must be 0), beside a bare Express
// route measured with autocannon in the same run. The sync server runs in this process (the sandbox's delivery
// queue, which sends the webhooks and times their acknowledgements, lives in it); PostgreSQL is embedded.
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import { pino } from 'pino';
import type { CheckoutResponse } from '@lyceum/contracts';
import { freePort } from '@lyceum/testing';
import { createServer } from '../../sync-server/src/app.ts';
import { benchConfig, benchDatabase } from './lib/bench-database.ts';
import { createCourse } from '../../sync-server/test/factories.ts';
import { postgresCpu } from './lib/cpu.ts';
import { runLoad } from './lib/load.ts';
import { repoRoot, startProcess } from './lib/processes.ts';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 2000);
const COURSES = 10;
/** Requests in flight at once from the "students" (checkouts, then payments). */
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 100);
const log = (m: string) => console.log(`[bench:payments] ${m}`);

async function pooled<T>(items: T[], width: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

// The students' requests over kept-open connections (node:http: fetch's own CPU would be counted as the server's).
const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
function postJson(url: string, body: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const quantile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;

async function main() {
  const db = await benchDatabase('payments');
  const dir = db.dir;
  const children: { stop(): Promise<void> }[] = [];
  let server: Awaited<ReturnType<typeof createServer>> | null = null;
  try {
    const config = benchConfig(db, {
      DB_POOL_SIZE: '20',
    });
    // Receipts go to a mailer that drops them: the bench measures payments, not mail.
    server = await createServer({
      config,
      logger: pino({ level: 'warn' }),
      mailer: { send: async () => {} },
    });
    const port = await freePort();
    const url = await server.listen(port, '127.0.0.1');
    const pool = server.database.pool;
    const sandbox = server.payments.sandbox;
    if (!sandbox) throw new Error('bench:payments runs against the sandbox gateway: unset STRIPE_SECRET_KEY');

    // Seed: an instructor, paid courses, students with access tokens.
    const teacher = await server.identity.accounts.createUser({
      email: 'teacher@bench.test',
      password: 'Bench-Passw0rd-42',
      name: 'Teacher',
      role: 'instructor',
    });
    const courses = await Promise.all(
      Array.from({ length: COURSES }, (_, i) =>
        createCourse(pool, { ownerId: teacher.id, priceCents: 1900 + 100 * i, status: 'published' }),
      ),
    );
    const ids = (
      await pool.query<{ id: string }>(
        `INSERT INTO users (id, email, name, password_hash, role)
         SELECT gen_random_uuid(), 'buyer' || g || '@bench.test', 'Buyer ' || g, 'x', 'student'
           FROM generate_series(1, $1::int) g RETURNING id`,
        [ORDERS],
      )
    ).rows.map((r) => r.id);
    const tokens: string[] = [];
    for (const id of ids) {
      const row = await server.identity.accounts.findById(id);
      tokens.push((await server.identity.sessions.issue(row!)).accessToken);
    }
    log(`seeded ${COURSES} paid courses and ${ORDERS} students`);

    // Baseline: a bare Express route with the same load tool, in the same run.
    const helloPort = await freePort();
    const hello = await startProcess(
      path.join(repoRoot, 'scripts/bench/hello-server.ts'),
      [],
      { PORT: String(helloPort) },
      helloPort,
      '/ready',
    );
    children.push(hello);
    const baseline = await runLoad({
      name: 'bare Express hello',
      url: hello.url,
      connections: 16,
      durationSeconds: 5,
      next: () => ({ method: 'GET', path: '/hello' }),
    });

    // 1. Checkouts, all at once.
    const orders: { orderId: string; session: string }[] = [];
    let t0 = performance.now();
    await pooled(
      ids.map((_, i) => i),
      IN_FLIGHT,
      async (i) => {
        const r = await postJson(`${url}/api/v1/courses/${courses[i % COURSES]!.id}/checkout`, '{}', {
          authorization: `Bearer ${tokens[i]}`,
        });
        if (r.status !== 201) throw new Error(`checkout answered ${r.status}: ${r.text}`);
        const b = JSON.parse(r.text) as CheckoutResponse;
        orders.push({ orderId: b.orderId, session: b.checkoutUrl!.split('/').pop()! });
      },
    );
    const checkoutSeconds = (performance.now() - t0) / 1000;
    log(
      `${ORDERS} checkouts in ${checkoutSeconds.toFixed(2)} s (${(ORDERS / checkoutSeconds).toFixed(0)}/s)`,
    );

    // 2. Every order paid with 4242… at once; every webhook delivered twice; until every order is paid.
    sandbox.delivery.setChaos({ copies: [2, 2], maxDelayMs: 0 });
    const stats = sandbox.delivery.stats;
    stats.ackMs.length = 0;
    // BENCH_WAITS=1: sample what PostgreSQL's active sessions wait on during the payments, and print the top ones.
    const waits = new Map<string, number>();
    let sampling = process.env.BENCH_WAITS === '1';
    const sampler = (async () => {
      while (sampling) {
        const r = await pool.query<{ w: string }>(
          `SELECT coalesce(wait_event_type || ':' || wait_event, 'cpu') || '  ' || left(regexp_replace(query, '\\s+', ' ', 'g'), 70) AS w
             FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid()`,
        );
        for (const { w } of r.rows) waits.set(w, (waits.get(w) ?? 0) + 1);
        await new Promise((res) => setTimeout(res, 20));
      }
    })();
    // CPU used by this process (server and the students' requests) and by PostgreSQL while the orders are paid:
    // what a fulfilled order costs, however busy the machine is with other work.
    // BENCH_CPU_PROF=<file>: a CPU profile of this process during the payments (open it in Chrome's DevTools).
    const profiler = process.env.BENCH_CPU_PROF ? new Session() : null;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    const pgCpu = postgresCpu(dir);
    const cpu0 = { node: process.cpuUsage(), pg: pgCpu() };
    t0 = performance.now();
    await pooled(orders, IN_FLIGHT, async (o) => {
      const r = await postJson(
        `${url}/sandbox/checkout/sessions/${o.session}/pay`,
        JSON.stringify({ card: '4242424242424242', expMonth: 12, expYear: 2099, cvc: '123' }),
      );
      if (r.status !== 200) throw new Error(`pay answered ${r.status}: ${r.text}`);
    });
    const paidAll = async () =>
      (await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM orders WHERE status = 'paid'"))
        .rows[0]!.n;
    const deadline = Date.now() + 300_000;
    while ((await paidAll()) < ORDERS) {
      if (Date.now() > deadline) throw new Error('not every order was fulfilled in 5 minutes');
      await new Promise((r) => setTimeout(r, 10));
    }
    const fulfilSeconds = (performance.now() - t0) / 1000;
    // CPU until what follows the payments is done too (every event applied, receipts sent): work that lags behind
    // the orders' status still counts.
    await server.payments.fulfilment.settled();
    const nodeCpu = process.cpuUsage(cpu0.node);
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      await fs.writeFile(process.env.BENCH_CPU_PROF!, JSON.stringify(profile));
      profiler.disconnect();
    }
    const cpuMs = {
      node: (nodeCpu.user + nodeCpu.system) / 1000 / ORDERS,
      pg: ((pgCpu() - cpu0.pg) * 1000) / ORDERS,
    };
    sampling = false;
    await sampler;
    for (const [w, n] of [...waits].sort((a, b) => b[1] - a[1]).slice(0, 15)) log(`wait ${n}× ${w}`);
    await sandbox.delivery.idle();

    // 3. Exactly once?
    const q = async (sql: string) => (await pool.query<{ n: number }>(sql)).rows[0]!.n;
    const doubleCharges = await q(
      "SELECT count(*)::int AS n FROM (SELECT order_id FROM ledger_entries WHERE kind = 'charge' GROUP BY order_id HAVING count(*) > 1) d",
    );
    const purchaseEnrollments = await q(
      "SELECT count(*)::int AS n FROM enrollments WHERE source = 'purchase' AND status = 'active'",
    );
    const counted = await q('SELECT coalesce(sum(enrollment_count), 0)::int AS n FROM courses');
    const doubleEnrollments = doubleCharges + Math.max(0, counted - purchaseEnrollments);
    const acks = [...stats.ackMs].sort((a, b) => a - b);

    const ordersPerSecond = ORDERS / fulfilSeconds;
    const p50 = quantile(acks, 0.5);
    const p99 = quantile(acks, 0.99);
    console.log('');
    console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}`);
    console.log(
      `bare Express hello (autocannon, 16 connections, 5 s): ${baseline.rps.toFixed(0)} req/s, p50 ${baseline.p50.toFixed(1)} ms, p99 ${baseline.p99.toFixed(1)} ms`,
    );
    console.log(
      `checkouts: ${ORDERS} in ${checkoutSeconds.toFixed(2)} s = ${(ORDERS / checkoutSeconds).toFixed(0)}/s`,
    );
    console.log(
      `fulfilled orders: ${ORDERS} in ${fulfilSeconds.toFixed(2)} s = ${ordersPerSecond.toFixed(0)}/s (target ≥ 500) ${ordersPerSecond >= 500 ? 'met' : 'NOT MET'}`,
    );
    console.log(
      `CPU per fulfilled order: ${(cpuMs.node + cpuMs.pg).toFixed(2)} ms (Node ${cpuMs.node.toFixed(2)}, PostgreSQL ${cpuMs.pg.toFixed(2)}); ${os.cpus().length} idle cores would fulfil at most ~${((os.cpus().length * 1000) / (cpuMs.node + cpuMs.pg)).toFixed(0)}/s; load average now ${os.loadavg()[0]!.toFixed(1)}`,
    );
    console.log(
      `webhook acknowledgements: ${acks.length} deliveries (${stats.failedAttempts} failed attempts), p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (target p99 ≤ 200) ${p99 <= 200 ? 'met' : 'NOT MET'}`,
    );
    console.log(
      `double enrollments: ${doubleEnrollments} (orders charged twice: ${doubleCharges}; active purchase enrollments ${purchaseEnrollments}, course counters ${counted}) ${doubleEnrollments === 0 && purchaseEnrollments === ORDERS ? 'ok' : 'WRONG'}`,
    );
    if (doubleEnrollments !== 0 || purchaseEnrollments !== ORDERS) process.exitCode = 1;
  } finally {
    agent.destroy();
    await server?.close().catch(() => {});
    for (const c of children) await c.stop();
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
