import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminOrderList, OrderTimeline, Refund, RevenueReport, SalesInsights } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { CARDS, card, checkout, eventually, orderBecomes, paidCourse, pay } from './test-support.ts';
import { namedId } from './funnel-events.ts';

let t: TestServer;
let admin: Awaited<ReturnType<TestServer['user']>>;
beforeAll(async () => {
  t = await startTestServer();
  admin = await t.user('admin');
});
afterAll(() => t.close());

const today = () => new Date().toISOString().slice(0, 10);

/** A student who views the course, checks out, pays with 4242 and waits for the order to be paid. */
async function buyer(priceCents: number) {
  const course = await paidCourse(t, priceCents);
  const student = await t.user('student', `Buyer ${priceCents}`);
  expect((await t.api('GET', `/api/v1/courses/${course.id}`, { token: student.token })).status).toBe(200);
  const c = await checkout(t, student.token, course.id);
  expect(c.status).toBe(201);
  expect((await pay(t, c.body.checkoutUrl!, card(CARDS.ok))).status).toBe('succeeded');
  await orderBecomes(t, student.token, c.body.orderId, 'paid');
  return { course, student, orderId: c.body.orderId };
}

describe('admin payment reports', () => {
  it('finds orders by email, course title and status; its timeline has the webhook events, the charge and the refund', async () => {
    const a = await buyer(2500);
    const b = await buyer(4000);
    const search = (q: string) =>
      t.api<AdminOrderList>('GET', `/api/v1/admin/payments/orders?${q}`, { token: admin.token });

    const byEmail = await search(`q=${encodeURIComponent(a.student.email.toUpperCase())}`);
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.total).toBe(1);
    expect(byEmail.body.items[0]).toMatchObject({
      id: a.orderId,
      status: 'paid',
      amountMinor: 2500,
      userEmail: a.student.email,
      courseTitle: a.course.title,
    });
    expect(byEmail.body.items[0]!.paymentIntentId).toMatch(/^pi_/);
    const byCourse = await search(`courseId=${b.course.id}&status=paid`);
    expect(byCourse.body.items.map((o) => o.id)).toEqual([b.orderId]);
    expect((await search(`courseId=${b.course.id}&status=refunded`)).body.total).toBe(0);
    // A LIKE wildcard matches only itself.
    expect((await search('q=%25')).body.total).toBe(0);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect((await search(`from=${encodeURIComponent(future)}`)).body.total).toBe(0);

    const refund = await t.api<Refund>('POST', `/api/v1/orders/${a.orderId}/refunds`, {
      token: admin.token,
      body: { amount: 1000, reason: 'Partial goodwill refund' },
    });
    expect(refund.status).toBe(201);
    const timeline = await eventually(async () => {
      const r = await t.api<OrderTimeline>('GET', `/api/v1/admin/payments/orders/${a.orderId}/timeline`, {
        token: admin.token,
      });
      expect(r.status).toBe(200);
      return r.body.entries.some((e) => e.kind === 'gateway_event' && e.type === 'charge.refunded')
        ? r.body
        : undefined;
    });
    expect(timeline.order.status).toBe('partially_refunded');
    const kinds = timeline.entries.map((e) => `${e.kind}:${e.type}`);
    expect(kinds[0]).toBe('order:created');
    expect(kinds).toContain('gateway_event:checkout.session.completed');
    expect(kinds).toContain('transaction:charge');
    expect(kinds).toContain('refund:admin');
    expect(timeline.entries.find((e) => e.kind === 'ledger' && e.type === 'refund')?.amountMinor).toBe(-1000);
    expect([...timeline.entries].map((e) => e.at)).toEqual(timeline.entries.map((e) => e.at).sort());

    const revenue = await t.api<RevenueReport>('GET', '/api/v1/admin/payments/revenue', {
      token: admin.token,
    });
    expect(revenue.status).toBe(200);
    expect(revenue.body.totals).toEqual([
      { currency: 'USD', grossMinor: 6500, refundedMinor: 1000, netMinor: 5500, orders: 2 },
    ]);
    expect(revenue.body.daily.find((d) => d.day === today())).toMatchObject({
      grossMinor: 6500,
      netMinor: 5500,
    });
    expect(revenue.body.daily.length).toBeGreaterThanOrEqual(30);
    expect(revenue.body.courses.map((c) => [c.title, c.netMinor])).toEqual([
      [b.course.title, 4000],
      [a.course.title, 1500],
    ]);
  });

  it('refuses bad queries with 400 and an unknown order with 404', async () => {
    const get = (p: string) => t.api<{ error: { code: string } }>('GET', p, { token: admin.token });
    for (const p of [
      '/api/v1/admin/payments/orders?status=lost',
      '/api/v1/admin/payments/orders?limit=0',
      '/api/v1/admin/payments/orders?from=yesterday',
      '/api/v1/admin/payments/orders?extra=1',
      '/api/v1/admin/payments/revenue?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      '/api/v1/admin/payments/revenue?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z',
    ]) {
      const r = await get(p);
      expect([p, r.status, r.body.error.code]).toEqual([p, 400, 'validation_failed']);
    }
    const bad = await get('/api/v1/admin/payments/orders/not-a-uuid/timeline');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_id']);
    const missing = await get(`/api/v1/admin/payments/orders/${namedId('none')}/timeline`);
    expect([missing.status, missing.body.error.code]).toEqual([404, 'not_found']);
  });

  it('answers hostile search text and ranges with 2xx or 4xx, never 5xx', async () => {
    const texts = [
      "'; DROP TABLE orders; --",
      '\\',
      '%_%',
      'ü🙂'.repeat(40),
      'x'.repeat(201),
      '\u0000',
      'pi_%',
    ];
    const paths = [
      ...texts.map((q) => `/api/v1/admin/payments/orders?q=${encodeURIComponent(q)}`),
      '/api/v1/admin/payments/orders?offset=999999&limit=200',
      '/api/v1/admin/payments/orders?courseId=nope',
      '/api/v1/admin/payments/orders?q=a&q=b',
      '/api/v1/admin/payments/revenue?courseId=0190b8a0-0000-7000-8000-0000000000ff',
      '/api/v1/analytics/sales?last=1h&from=2026-01-01T00:00:00Z',
      '/api/v1/analytics/sales?last=forever',
      '/api/v1/analytics/sales?from=2026-01-01T00:00:00Z&to=2025-01-01T00:00:00Z',
      '/api/v1/analytics/sales?courseId=0190b8a0-0000-7000-8000-0000000000ff&last=365d',
    ];
    for (const p of paths) {
      const r = await t.api<{ error?: { code: string } }>('GET', p, { token: admin.token });
      expect([p, r.status < 500]).toEqual([p, true]);
      if (r.status >= 400) expect(typeof r.body.error?.code).toBe('string');
    }
  });
});

describe('sales analytics from the outbox', () => {
  it('the purchase, the checkout and the catalog view reach analytics; revenue and the funnel count them', async () => {
    const viewerOnly = await paidCourse(t, 1200);
    const looker = await t.user('student');
    for (let i = 0; i < 3; i++)
      await t.api('GET', `/api/v1/courses/${viewerOnly.id}`, { token: looker.token });
    // Admins and anonymous visitors are not prospective buyers.
    await t.api('GET', `/api/v1/courses/${viewerOnly.id}`, { token: admin.token });
    await t.api('GET', `/api/v1/courses/${viewerOnly.id}`);
    const b = await buyer(3100);

    const sales = await eventually(async () => {
      const r = await t.api<SalesInsights>('GET', '/api/v1/analytics/sales?last=7d', { token: admin.token });
      expect(r.status).toBe(200);
      const mine = r.body.courses.find((c) => c.courseId === b.course.id);
      const viewed = r.body.courses.find((c) => c.courseId === viewerOnly.id);
      return mine?.paid === 1 && viewed ? { body: r.body, mine, viewed } : undefined;
    }, 20_000);
    expect(sales.mine).toMatchObject({ viewed: 1, checkout: 1, paid: 1, amountMinor: 3100, currency: 'USD' });
    // Three views the same day by one student are one view; nobody checked out.
    expect(sales.viewed).toMatchObject({ viewed: 1, checkout: 0, paid: 0, amountMinor: 0 });
    const day = sales.body.revenue.find((d) => d.day === today() && d.currency === 'USD');
    expect(day?.amountMinor).toBeGreaterThanOrEqual(3100);
    const step = (s: string) => sales.body.funnel.find((f) => f.step === s)!.count;
    expect(step('viewed')).toBeGreaterThanOrEqual(step('checkout'));
    expect(step('checkout')).toBeGreaterThanOrEqual(step('paid'));

    const one = await t.api<SalesInsights>(
      'GET',
      `/api/v1/analytics/sales?last=24h&courseId=${b.course.id}`,
      {
        token: admin.token,
      },
    );
    expect(one.body.courses.map((c) => c.courseId)).toEqual([b.course.id]);
    expect(one.body.funnel).toEqual([
      { step: 'viewed', count: 1 },
      { step: 'checkout', count: 1 },
      { step: 'paid', count: 1 },
    ]);
  });
});
