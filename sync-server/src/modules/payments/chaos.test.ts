import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReconciliationReport } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { createCourse } from '../../../test/factories.ts';
import { ledgerTotals } from './ledger.ts';
import { checkout, sessionIdOf } from './test-support.ts';

/** A small seeded PRNG (mulberry32), so a failing run can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const ORDERS = 200;

/** Run `fn` over the items, `width` at a time. */
async function inBatches<T>(items: T[], width: number, fn: (item: T, i: number) => Promise<void>) {
  for (let i = 0; i < items.length; i += width)
    await Promise.all(items.slice(i, i + width).map((item, j) => fn(item, i + j)));
}
const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 100_000);
const rand = prng(seed);
const pick = (n: number) => Math.floor(rand() * n);

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ DB_POOL_SIZE: '10' });
});
afterAll(() => t.close());

describe(`webhook chaos (seed ${seed})`, () => {
  it('200 orders, events delivered 1–5 times shuffled and late, some after refunds: one enrollment per paid order, ledger = gateway', async () => {
    const pool = t.server.database.pool;
    const sandbox = t.server.payments.sandbox!;
    const owner = await t.user('instructor');
    const courses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        createCourse(pool, { ownerId: owner.id, priceCents: 1000 + 125 * i, status: 'published' }),
      ),
    );
    const students = await Promise.all(Array.from({ length: ORDERS }, () => t.user('student')));
    sandbox.delivery.hold();

    // Checkouts, then payments: card, bank transfer (settled later), declined then card, or never paid (expired).
    type Plan = { orderId: string; userId: string; courseId: string; session: string; fate: string };
    const plans: Plan[] = [];
    await inBatches(students, 8, async (s, i) => {
      const course = courses[i % courses.length]!;
      const c = await checkout(t, s.token, course.id);
      expect(c.status).toBe(201);
      const fate = ['card', 'card', 'card', 'card', 'bank', 'declined_then_card', 'expire'][pick(7)]!;
      plans.push({
        orderId: c.body.orderId,
        userId: s.id,
        courseId: course.id,
        session: sessionIdOf(c.body.checkoutUrl!),
        fate,
      });
    });
    const card = (n: string) => ({ card: n, expMonth: 12, expYear: 2099, cvc: '123' });
    await inBatches(plans, 8, async (p) => {
      if (p.fate === 'expire') await sandbox.payments.expire(p.session);
      else if (p.fate === 'bank') {
        await sandbox.payments.pay(p.session, { method: 'bank_transfer' });
        await sandbox.payments.settleAsync(p.session, 'succeeded');
      } else {
        if (p.fate === 'declined_then_card') await sandbox.payments.pay(p.session, card('4000000000000002'));
        await sandbox.payments.pay(p.session, card('4242424242424242'));
      }
    });
    // Refunds at the gateway (as from Stripe's dashboard) before any event arrived: full, partial, partial twice.
    const paidPlans = plans.filter((p) => p.fate !== 'expire');
    let refundNo = 0;
    for (const p of paidPlans) {
      const roll = rand();
      if (roll > 0.3) continue;
      const s = await sandbox.payments.session(p.session);
      const pi = s.paymentIntentId!;
      const steps = roll < 0.12 ? [s.amountMinor] : roll < 0.22 ? [300] : [200, s.amountMinor - 200];
      for (const amount of steps)
        await t.server.payments.gateway.refund({
          paymentIntentId: pi,
          amountMinor: amount,
          idempotencyKey: `chaos-refund-${++refundNo}`,
          reason: 'chaos',
        });
    }

    // Every event 1–5 times, each copy after 0–400 ms: shuffled, repeated, refunds overtaking payments.
    const events = sandbox.delivery.release();
    const types = new Set(events.map((e) => e.type));
    expect(types).toContain('charge.refunded');
    expect(types).toContain('checkout.session.async_payment_succeeded');
    let copies = 0;
    for (const e of events) {
      const n = 1 + pick(5);
      copies += n;
      sandbox.delivery.deliver(e, n, 400);
    }
    await sandbox.delivery.idle();
    expect(sandbox.delivery.stats.delivered).toBeGreaterThanOrEqual(copies);

    // Each event applied once.
    const recorded = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM gateway_events');
    expect(recorded.rows[0]!.n).toBe(new Set(events.map((e) => e.id)).size);

    // Orders agree with the gateway: paid ones paid (or refunded as far as the gateway refunded), the rest expired.
    const gw = await pool.query<{ order_id: string; amount_minor: number; amount_refunded: number }>(
      "SELECT order_id, amount_minor, amount_refunded FROM sandbox_payment_intents WHERE status = 'succeeded'",
    );
    const byOrder = new Map(gw.rows.map((r) => [r.order_id, r]));
    const rows = await pool.query<{
      id: string;
      status: string;
      refunded_minor: number;
      amount_minor: number;
    }>('SELECT id, status, refunded_minor, amount_minor FROM orders WHERE id = ANY($1)', [
      plans.map((p) => p.orderId),
    ]);
    const enr = await pool.query<{ user_id: string; course_id: string; status: string; source: string }>(
      'SELECT user_id, course_id, status, source FROM enrollments WHERE user_id = ANY($1)',
      [students.map((s) => s.id)],
    );
    const enrollmentOf = new Map(enr.rows.map((e) => [`${e.user_id}:${e.course_id}`, e]));
    expect(enr.rows.length).toBe(new Set(enr.rows.map((e) => `${e.user_id}:${e.course_id}`)).size);
    const orderById = new Map(rows.rows.map((o) => [o.id, o]));
    for (const p of plans) {
      const o = orderById.get(p.orderId)!;
      const g = byOrder.get(p.orderId);
      const e = enrollmentOf.get(`${p.userId}:${p.courseId}`);
      if (!g) {
        expect(o.status).toBe('expired');
        expect(e).toBeUndefined();
        continue;
      }
      expect(o.refunded_minor).toBe(g.amount_refunded);
      const want =
        g.amount_refunded === 0
          ? 'paid'
          : g.amount_refunded >= g.amount_minor
            ? 'refunded'
            : 'partially_refunded';
      expect(o.status).toBe(want);
      expect(e).toMatchObject({ source: 'purchase', status: want === 'refunded' ? 'refunded' : 'active' });
    }

    // The ledger's totals equal the gateway's.
    const gateway = gw.rows.reduce(
      (acc, r) => ({ charged: acc.charged + r.amount_minor, refunded: acc.refunded + r.amount_refunded }),
      { charged: 0, refunded: 0 },
    );
    const [usd] = await ledgerTotals(t.server.database.db);
    expect(usd).toMatchObject({ currency: 'USD', charged: gateway.charged, refunded: gateway.refunded });
    expect(usd!.net).toBe(gateway.charged - gateway.refunded);

    // One purchase event per paid order in the outbox; course counters count active enrollments once.
    const purchases = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM event_outbox WHERE statement->'verb'->>'id' = 'http://activitystrea.ms/schema/1.0/purchase'",
    );
    expect(purchases.rows[0]!.n).toBe(gw.rows.length);
    const counters = await pool.query<{ id: string; enrollment_count: number; active: number }>(
      `SELECT c.id, c.enrollment_count,
              (SELECT count(*)::int FROM enrollments e WHERE e.course_id = c.id AND e.status IN ('active', 'completed')) AS active
         FROM courses c WHERE c.id = ANY($1)`,
      [courses.map((c) => c.id)],
    );
    for (const c of counters.rows) expect(c.enrollment_count).toBe(c.active);

    // And reconciliation finds nothing to flag.
    const admin = await t.user('admin');
    const rec = await t.api<ReconciliationReport>('GET', '/api/v1/admin/payments/reconciliation', {
      token: admin.token,
    });
    expect(rec.status).toBe(200);
    expect(rec.body.flagged).toEqual([]);
    expect(rec.body.matched).toBe(gw.rows.length);
  }, 400_000);
});
