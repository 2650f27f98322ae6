import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReconciliationReport } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
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
