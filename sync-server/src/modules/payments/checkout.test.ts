import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutResponse, Order, OrderList } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { instructorCourse } from '../../../test/factories.ts';
import {
  CARDS,
  card,
  checkout,
  enrollmentRows,
  eventually,
  orderBecomes,
  orderOf,
  paidCourse,
  pay,
  sessionIdOf,
} from './test-support.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

describe('checkout through the sandbox gateway', () => {
  it('prices the course on the server, reuses the open order, and shows the hosted page', async () => {
    const course = await paidCourse(t, 4900);
    const student = await t.user('student');
    const first = await checkout(t, student.token, course.id);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'pending' });
    expect(first.body.checkoutUrl).toMatch(/\/sandbox\/checkout\/sessions\/cs_test_/);
    const again = await checkout(t, student.token, course.id);
    expect(again.status).toBe(201);
    expect(again.body.orderId).toBe(first.body.orderId);
    expect(again.body.checkoutUrl).toBe(first.body.checkoutUrl);

    const order = await orderOf(t, student.token, first.body.orderId);
    expect(order).toMatchObject({
      amountMinor: 4900,
      listAmountMinor: 4900,
      currency: 'USD',
      gateway: 'sandbox',
    });

    const page = await fetch(first.body.checkoutUrl!);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(course.title);
    expect(html).toContain('$49.00');
    expect(html).toMatch(/<label for="card">Card number<\/label>/);
    expect(html).toContain('Pay by bank transfer');
  });

  it('a test card that succeeds fulfils the order once, enrolls (source purchase), and a second checkout is 409', async () => {
    const course = await paidCourse(t);
    const student = await t.user('student');
    const c = await checkout(t, student.token, course.id);
    const r = await pay(t, c.body.checkoutUrl!, card(CARDS.ok));
    expect(r.status).toBe('succeeded');
    expect(r.redirectUrl).toContain('/payments/return?outcome=success');
    const paid = await orderBecomes(t, student.token, c.body.orderId, 'paid');
    expect(paid.paidAt).not.toBeNull();
    expect(await enrollmentRows(t, student.id, course.id)).toEqual([
      { status: 'active', source: 'purchase' },
    ]);
    const again = await checkout(t, student.token, course.id);
    expect(again.status).toBe(409);
    expect((again.body as unknown as { error: { code: string } }).error.code).toBe('already_enrolled');
    // Paying the same session again is refused: it is complete.
    const twice = await t.api('POST', `/sandbox/checkout/sessions/${sessionIdOf(c.body.checkoutUrl!)}/pay`, {
      body: card(CARDS.ok),
    });
    expect(twice.status).toBe(409);
    // The ledger has the charge; the outbox has the purchase for analytics.
    const ledger = await t.server.database.pool.query(
      'SELECT kind, amount_minor FROM ledger_entries WHERE order_id = $1',
      [c.body.orderId],
    );
    expect(ledger.rows).toEqual([{ kind: 'charge', amount_minor: 4900 }]);
    const outbox = await t.server.database.pool.query(
      `SELECT 1 FROM event_outbox WHERE statement->'verb'->>'id' = 'http://activitystrea.ms/schema/1.0/purchase'
         AND statement->'context'->'extensions'->>'https://lyceum.app/xapi/extensions/order-id' = $1`,
      [c.body.orderId],
    );
    expect(outbox.rowCount).toBe(1);
  });

  it.each([
    [CARDS.declined, 'generic_decline', 'Your card was declined.'],
    [CARDS.insufficient, 'insufficient_funds', 'Your card has insufficient funds.'],
  ])(
    'card %s fails with the gateway reason, the order stays payable, no enrollment',
    async (number, code, message) => {
      const course = await paidCourse(t);
      const student = await t.user('student');
      const c = await checkout(t, student.token, course.id);
      const r = await pay(t, c.body.checkoutUrl!, card(number));
      expect(r).toMatchObject({ status: 'failed', failureCode: code, failureMessage: message });
      const o = await eventually(async () => {
        const x = await orderOf(t, student.token, c.body.orderId);
        return x.failureCode ? x : undefined;
      });
      expect(o).toMatchObject({ status: 'pending', failureCode: code, failureMessage: message });
      expect(await enrollmentRows(t, student.id, course.id)).toEqual([]);
      // Another card on the same page then succeeds.
      await pay(t, c.body.checkoutUrl!, card(CARDS.ok));
      const paid = await orderBecomes(t, student.token, c.body.orderId, 'paid');
      expect(paid.failureCode).toBeNull();
    },
  );

  it('the 3-D Secure card needs the confirmation step; failing it declines, completing it pays', async () => {
    const course = await paidCourse(t);
    const student = await t.user('student');
    const c = await checkout(t, student.token, course.id);
    const id = sessionIdOf(c.body.checkoutUrl!);
    const r = await pay(t, c.body.checkoutUrl!, card(CARDS.threeDs));
    expect(r.status).toBe('requires_action');
    expect(r.nextUrl).toBe(`/sandbox/checkout/sessions/${id}/confirm`);
    const page = await fetch(t.url + r.nextUrl!);
    expect(await page.text()).toContain('Complete authentication');
    const failed = await t.api<{ status: string; failureCode: string }>(
      'POST',
      `/sandbox/checkout/sessions/${id}/confirm`,
      { body: { outcome: 'fail' } },
    );
    expect(failed.body).toMatchObject({
      status: 'failed',
      failureCode: 'payment_intent_authentication_failure',
    });
    expect((await orderOf(t, student.token, c.body.orderId)).status).toBe('pending');
    await pay(t, c.body.checkoutUrl!, card(CARDS.threeDs));
    const done = await t.api('POST', `/sandbox/checkout/sessions/${id}/confirm`, {
      body: { outcome: 'complete' },
    });
    expect(done.status).toBe(200);
    await orderBecomes(t, student.token, c.body.orderId, 'paid');
  });

  it('a bank transfer succeeds later (async payment)', async () => {
    const course = await paidCourse(t);
    const student = await t.user('student');
    const c = await checkout(t, student.token, course.id);
    const r = await pay(t, c.body.checkoutUrl!, { method: 'bank_transfer' });
    expect(r.status).toBe('processing');
    const sandbox = t.server.payments.sandbox!;
    await sandbox.delivery.idle();
    const o = await orderOf(t, student.token, c.body.orderId);
    expect(o.status).toBe('pending');
    expect(await enrollmentRows(t, student.id, course.id)).toEqual([]);
    await sandbox.payments.settleAsync(sessionIdOf(c.body.checkoutUrl!), 'succeeded');
    await orderBecomes(t, student.token, c.body.orderId, 'paid');
    expect(await enrollmentRows(t, student.id, course.id)).toEqual([
      { status: 'active', source: 'purchase' },
    ]);
  });

  it('a failed bank transfer and an expired session close the order without enrolling', async () => {
    const course = await paidCourse(t);
    const a = await t.user('student');
    const ca = await checkout(t, a.token, course.id);
    await pay(t, ca.body.checkoutUrl!, { method: 'bank_transfer' });
    await t.server.payments.sandbox!.payments.settleAsync(sessionIdOf(ca.body.checkoutUrl!), 'failed');
    const failed = await orderBecomes(t, a.token, ca.body.orderId, 'failed');
    expect(failed.failureCode).toBe('async_payment_failed');
    const b = await t.user('student');
    const cb = await checkout(t, b.token, course.id);
    await t.server.payments.sandbox!.payments.expire(sessionIdOf(cb.body.checkoutUrl!));
    await orderBecomes(t, b.token, cb.body.orderId, 'expired');
    expect(await enrollmentRows(t, b.id, course.id)).toEqual([]);
    // A new checkout after an expired order opens a new one.
    const next = await checkout(t, b.token, course.id);
    expect(next.status).toBe(201);
    expect(next.body.orderId).not.toBe(cb.body.orderId);
  });

  it('sessions past their 24 h expire by themselves (checkout.session.expired), and the page says so', async () => {
    const course = await paidCourse(t);
    const student = await t.user('student');
    const c = await checkout(t, student.token, course.id);
    const id = sessionIdOf(c.body.checkoutUrl!);
    await t.server.database.pool.query(
      "UPDATE sandbox_checkout_sessions SET expires_at = now() - interval '1 second' WHERE id = $1",
      [id],
    );
    expect(await t.server.payments.sandbox!.payments.expireDue()).toBeGreaterThanOrEqual(1);
    await orderBecomes(t, student.token, c.body.orderId, 'expired');
    expect(await (await fetch(c.body.checkoutUrl!)).text()).toContain('This checkout is expired.');
    const late = await t.api('POST', `/sandbox/checkout/sessions/${id}/pay`, { body: card(CARDS.ok) });
    expect(late.status).toBe(409);
  });

  it('the hosted page works as a plain form: pay redirects to the success page; a decline shows the reason', async () => {
    const course = await paidCourse(t);
    const student = await t.user('student');
    const c = await checkout(t, student.token, course.id);
    const url = `${t.url}/sandbox/checkout/sessions/${sessionIdOf(c.body.checkoutUrl!)}/pay`;
    const form = (fields: Record<string, string>) =>
      fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
    const declined = await form({
      method: 'card',
      card: CARDS.declined,
      expMonth: '12',
      expYear: '2099',
      cvc: '123',
    });
    expect(declined.status).toBe(200);
    expect(await declined.text()).toMatch(/role="alert"[^>]*>Your card was declined\./);
    const ok = await form({ method: 'card', card: CARDS.ok, expMonth: '12', expYear: '2099', cvc: '123' });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toContain('/payments/return?outcome=success');
    await orderBecomes(t, student.token, c.body.orderId, 'paid');
    const back = await fetch(ok.headers.get('location')!);
    expect(await back.text()).toContain('Thank you');
  });

  it('refuses free, draft and unknown courses; orders are private to their student and admins', async () => {
    const free = await instructorCourse(t, { status: 'published' });
    const draft = await instructorCourse(t, { status: 'draft', priceCents: 1000 });
    const student = await t.user('student');
    const code = async (id: string) =>
      ((await checkout(t, student.token, id)).body as unknown as { error: { code: string } }).error.code;
    expect(await code(free.id)).toBe('not_for_sale');
    expect(await code(draft.id)).toBe('course_not_published');
    expect(await code('0190aaaa-0000-7000-8000-000000000000')).toBe('not_found');
    const tampered = await t.api('POST', `/api/v1/courses/${free.id}/checkout`, {
      token: student.token,
      body: { amountMinor: 1 },
    });
    expect(tampered.status).toBe(400);

    const course = await paidCourse(t);
    const c = await checkout(t, student.token, course.id);
    const other = await t.user('student');
    expect((await t.api('GET', `/api/v1/orders/${c.body.orderId}`, { token: other.token })).status).toBe(404);
    const admin = await t.user('admin');
    expect(
      (await t.api<Order>('GET', `/api/v1/orders/${c.body.orderId}`, { token: admin.token })).status,
    ).toBe(200);
    const mine = await t.api<OrderList>('GET', '/api/v1/me/orders', { token: student.token });
    expect(mine.body.items.map((o) => o.id)).toContain(c.body.orderId);
    expect((await t.api<OrderList>('GET', '/api/v1/me/orders', { token: other.token })).body.items).toEqual(
      [],
    );
  });

  it('a 100 %-off coupon enrolls without the gateway (200, status paid, source coupon)', async () => {
    const course = await paidCourse(t, 2500);
    const admin = await t.user('admin');
    const made = await t.api('POST', '/api/v1/coupons', {
      token: admin.token,
      body: { code: 'FREE-CORE-TEST', percentOff: 100, courseId: course.id },
    });
    expect(made.status).toBe(201);
    const student = await t.user('student');
    const r = await checkout(t, student.token, course.id, { couponCode: 'free-core-test' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual<CheckoutResponse>({ orderId: r.body.orderId, status: 'paid', checkoutUrl: null });
    expect(await enrollmentRows(t, student.id, course.id)).toEqual([{ status: 'active', source: 'coupon' }]);
    const o = await orderOf(t, student.token, r.body.orderId);
    expect(o).toMatchObject({ amountMinor: 0, listAmountMinor: 2500, gateway: 'none', status: 'paid' });
  });
});
