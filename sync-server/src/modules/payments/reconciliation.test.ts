import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReconciliationReport } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { stripeGateway } from './gateway/stripe.ts';
import { reconcile } from './reconciliation.ts';
import { CARDS, card, checkout, orderBecomes, paidCourse, pay } from './test-support.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

describe('reconciliation against the gateway', () => {
  it('flags gateway payments without an order, paid orders the gateway lacks, and amount mismatches', async () => {
    const pool = t.server.database.pool;
    const admin = await t.user('admin');
    const report = async () =>
      (
        await t.api<ReconciliationReport>('GET', '/api/v1/admin/payments/reconciliation', {
          token: admin.token,
        })
      ).body;

    // A normal purchase: matched.
    const course = await paidCourse(t, 4100);
    const student = await t.user('student');
    const c = await checkout(t, student.token, course.id);
    await pay(t, c.body.checkoutUrl!, card(CARDS.ok));
    await orderBecomes(t, student.token, c.body.orderId, 'paid');
    expect(await report()).toMatchObject({ gateway: 'sandbox', matched: 1, flagged: [] });

    // The gateway took money for an order this server never made.
    const gw = t.server.payments;
    const stray = randomUUID();
    const s = await gw.gateway.createCheckout({
      orderId: stray,
      amountMinor: 777,
      currency: 'USD',
      description: 'Nobody ordered this',
      customerEmail: null,
      successUrl: `${t.url}/payments/return`,
      cancelUrl: `${t.url}/payments/return?outcome=cancel`,
      idempotencyKey: `stray:${stray}`,
    });
    await gw.sandbox!.payments.pay(s.sessionId, card(CARDS.ok));

    // A paid order the gateway has no payment for.
    const other = await t.user('student');
    const ghost = randomUUID();
    await pool.query(
      `INSERT INTO orders (id, user_id, course_id, status, amount_minor, list_amount_minor, currency, gateway,
                           payment_intent_id, paid_at)
       VALUES ($1, $2, $3, 'paid', 4100, 4100, 'USD', 'sandbox', 'pi_ghost', now())`,
      [ghost, other.id, course.id],
    );
    // The matched one now disagrees on the refunded amount (refunded at the gateway, the event never came).
    await pool.query('UPDATE sandbox_payment_intents SET amount_refunded = 100 WHERE order_id = $1', [
      c.body.orderId,
    ]);

    const r = await report();
    expect(r.matched).toBe(0);
    const byFlag = Object.fromEntries(r.flagged.map((f) => [f.flag, f]));
    expect(byFlag.gateway_payment_without_order).toMatchObject({
      orderId: stray,
      gateway: { amountMinor: 777 },
    });
    expect(byFlag.paid_order_missing_at_gateway).toMatchObject({
      orderId: ghost,
      paymentIntentId: 'pi_ghost',
    });
    expect(byFlag.amount_mismatch).toMatchObject({
      orderId: c.body.orderId,
      gateway: { refundedMinor: 100 },
      order: { refundedMinor: 0 },
    });
    expect(r.flagged).toHaveLength(3);

    // Only admins.
    expect(
      (await t.api('GET', '/api/v1/admin/payments/reconciliation', { token: student.token })).status,
    ).toBe(403);
  });
});

/**
 * Stripe's API as far as listPayments reads it (GET /v1/checkout/sessions and /v1/payment_intents, list objects):
 * the real Stripe SDK and adapter talk to it over HTTP (no key or network needed).
 */
async function stripeApi(sessions: object[], intents: object[]) {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const data =
      path === '/v1/checkout/sessions' ? sessions : path === '/v1/payment_intents' ? intents : null;
    res.setHeader('content-type', 'application/json');
    if (!data) {
      res.statusCode = 404;
      res.end(JSON.stringify({ error: { type: 'invalid_request_error', message: 'no such route' } }));
      return;
    }
    res.end(JSON.stringify({ object: 'list', data, has_more: false, url: path }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

describe('reconciliation of taxed payments (Stripe automatic tax)', () => {
  it('compares the gateway total net of its tax with the order amount, refunds included', async () => {
    const pool = t.server.database.pool;
    const course = await paidCourse(t, 1000);
    const [a, b, c] = [await t.user('student'), await t.user('student'), await t.user('student')];
    const order = async (userId: string, pi: string, refunded = 0) => {
      const id = randomUUID();
      await pool.query(
        `INSERT INTO orders (id, user_id, course_id, status, amount_minor, list_amount_minor, currency, gateway,
                             payment_intent_id, refunded_minor, paid_at)
         VALUES ($1, $2, $3, $4, 1000, 1000, 'EUR', 'stripe', $5, $6, now())`,
        [id, userId, course.id, refunded >= 1000 ? 'refunded' : 'paid', pi, refunded],
      );
      return id;
    };
    const suffix = randomUUID().slice(0, 8);
    const taxed = await order(a.id, `pi_taxed_${suffix}`);
    const refunded = await order(b.id, `pi_refunded_${suffix}`, 1000);
    const short = await order(c.id, `pi_short_${suffix}`);
    const now = Math.floor(Date.now() / 1000);
    const session = (pi: string, total: number, tax: number) => ({
      id: `cs_${pi}`,
      object: 'checkout.session',
      created: now,
      status: 'complete',
      payment_intent: pi,
      amount_total: total,
      total_details: { amount_tax: tax, amount_discount: 0, amount_shipping: 0 },
    });
    const intent = (pi: string, received: number, refundedMinor: number, orderId: string) => ({
      id: pi,
      object: 'payment_intent',
      created: now,
      status: 'succeeded',
      amount: received,
      amount_received: received,
      currency: 'eur',
      metadata: { order_id: orderId },
      latest_charge: { id: `ch_${pi}`, object: 'charge', amount_refunded: refundedMinor },
    });
    // 1,000 net + 200 VAT: the customer paid 1,200. A full refund in the dashboard gives back the 1,200.
    // The third: 950 + 190 tax: the net (950) is not the order's 1,000, whatever the tax.
    const api = await stripeApi(
      [
        session(`pi_taxed_${suffix}`, 1200, 200),
        session(`pi_refunded_${suffix}`, 1200, 200),
        session(`pi_short_${suffix}`, 1140, 190),
      ],
      [
        intent(`pi_taxed_${suffix}`, 1200, 0, taxed),
        intent(`pi_refunded_${suffix}`, 1200, 1200, refunded),
        intent(`pi_short_${suffix}`, 1140, 0, short),
      ],
    );
    try {
      const gateway = stripeGateway({
        secretKey: 'sk_test_reconciliation',
        webhookSecret: 'whsec_reconciliation',
        automaticTax: true,
        apiBase: api.url,
      });
      const payments = await gateway.listPayments({ since: new Date(Date.now() - 60_000) });
      expect(payments.find((p) => p.paymentIntentId === `pi_taxed_${suffix}`)).toMatchObject({
        amountMinor: 1200,
        taxMinor: 200,
        currency: 'EUR',
      });
      const r = await reconcile(gateway, t.server.payments.orders, new Date(Date.now() - 60_000));
      const ours: string[] = [taxed, refunded, short];
      const mine = r.flagged.filter((f) => ours.includes(f.orderId ?? ''));
      expect(mine).toEqual([
        expect.objectContaining({
          flag: 'amount_mismatch',
          orderId: short,
          gateway: expect.objectContaining({ amountMinor: 1140, taxMinor: 190 }),
          order: expect.objectContaining({ amountMinor: 1000 }),
        }),
      ]);
      expect(r.matched).toBe(2);
    } finally {
      await api.close();
    }
  });
});
