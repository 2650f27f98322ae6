import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { StripeEvent } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { newId } from '../../lib/ids.ts';
import { releaseCoupon } from './coupons/service.ts';
import { fulfilmentWorker } from './fulfilment-worker.ts';
import { PURCHASE_VERB } from './fulfilment.ts';
import { ledgerTotals } from './ledger.ts';
import { applyGatewayRefund } from './refunds/apply.ts';
import { sessionObject, stripeEvent } from './sandbox/events.ts';
import {
  CARDS,
  card,
  checkout,
  enrollmentRows,
  eventually,
  orderOf,
  paidCourse,
  pay,
  sessionIdOf,
} from './test-support.ts';
import { eventHandlers } from './webhooks.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const sandbox = () => t.server.payments.sandbox!;
const q = async <R extends object>(text: string, params: unknown[] = []) =>
  (await t.server.database.pool.query<R>(text, params)).rows;

/** Pay the order's session with 4242… but keep the checkout.session.completed event back (a late delivery). */
async function payWithEventHeld(checkoutUrl: string): Promise<StripeEvent> {
  sandbox().delivery.hold();
  await pay(t, checkoutUrl, card(CARDS.ok));
  const held = sandbox().delivery.release();
  expect(held.map((e) => e.type)).toEqual(['checkout.session.completed']);
  return held[0]!;
}

/** The gateway says the order's session expired (delivered before the payment's event, as out of order). */
async function expireOrder(checkoutUrl: string) {
  const s = await sandbox().payments.session(sessionIdOf(checkoutUrl));
  sandbox().delivery.deliver(
    stripeEvent(
      'checkout.session.expired',
      sessionObject({ ...s, status: 'expired', paymentStatus: 'unpaid' }),
    ),
  );
  await sandbox().delivery.idle();
}

async function deliver(event: StripeEvent) {
  sandbox().delivery.deliver(event);
  await sandbox().delivery.idle();
}

describe('a payment arriving after its order expired', () => {
  it('is honoured when the student does not own the course: enrolled once, and the coupon counts again', async () => {
    const course = await paidCourse(t, 5000);
    const admin = await t.user('admin');
    const couponId = newId();
    await q(
      `INSERT INTO coupons (id, code, percent_off, course_id, max_redemptions, created_by)
       VALUES ($1, $2, 20, $3, 1, $4)`,
      [couponId, `LATE${Date.now() % 1_000_000}`, course.id, admin.id],
    );
    const [coupon] = await q<{ code: string }>('SELECT code FROM coupons WHERE id = $1', [couponId]);
    const student = await t.user('student');
    const c = await checkout(t, student.token, course.id, { couponCode: coupon!.code });
    expect(c.status).toBe(201);
    const count = async () =>
      (await q<{ n: number }>('SELECT redeemed_count AS n FROM coupons WHERE id = $1', [couponId]))[0]!.n;
    expect(await count()).toBe(1);

    const completed = await payWithEventHeld(c.body.checkoutUrl!);
    await expireOrder(c.body.checkoutUrl!);
    expect((await orderOf(t, student.token, c.body.orderId)).status).toBe('expired');
    expect(await count()).toBe(0); // given back when the order expired
    // Meanwhile someone else takes the freed redemption (the cap is 1).
    const other = await t.user('student');
    expect((await checkout(t, other.token, course.id, { couponCode: coupon!.code })).status).toBe(201);
    expect(await count()).toBe(1);

    await deliver(completed);
    const o = await orderOf(t, student.token, c.body.orderId);
    expect(o).toMatchObject({ status: 'paid', amountMinor: 4000, failureCode: null });
    expect(await enrollmentRows(t, student.id, course.id)).toEqual([
      { status: 'active', source: 'purchase' },
    ]);
    // Both redemptions count (the late one past the cap: the student paid the discounted price).
    expect(await count()).toBe(2);
    expect(
      await q('SELECT order_id FROM coupon_redemptions WHERE coupon_id = $1 AND order_id = $2', [
        couponId,
        c.body.orderId,
      ]),
    ).toHaveLength(1);
    // The same event again changes nothing.
    await deliver(completed);
    expect(await count()).toBe(2);
    const [counter] = await q<{ n: number }>('SELECT enrollment_count AS n FROM courses WHERE id = $1', [
      course.id,
    ]);
    expect(counter!.n).toBe(1);
  });

  it('is recorded and refunded through the gateway when the student bought the course again meanwhile', async () => {
    const course = await paidCourse(t, 3500);
    const student = await t.user('student');
    const first = await checkout(t, student.token, course.id);
    const late = await payWithEventHeld(first.body.checkoutUrl!);
    await expireOrder(first.body.checkoutUrl!);

    // The student buys again with another order; that one is paid and enrolls.
    const second = await checkout(t, student.token, course.id);
    expect(second.body.orderId).not.toBe(first.body.orderId);
    await pay(t, second.body.checkoutUrl!, card(CARDS.ok));
    await sandbox().delivery.idle();
    expect((await orderOf(t, student.token, second.body.orderId)).status).toBe('paid');

    // Now the first payment's event arrives: money taken twice for one course.
    await deliver(late);
    // The automatic refund is asked of the gateway after the commit, and its charge.refunded comes back through the
    // inbox: wait for the end of that chain (under load it can lag the delivery of the payment's event).
    await expect
      .poll(
        async () => {
          await sandbox().delivery.idle();
          return (
            await q<{ outcome: string }>(
              `SELECT outcome FROM gateway_events WHERE order_id = $1 AND type = 'charge.refunded'`,
              [first.body.orderId],
            )
          )[0]?.outcome;
        },
        { timeout: 20_000 },
      )
      .toBe('refunded');
    await expect
      .poll(
        async () =>
          (await q(`SELECT 1 FROM notifications WHERE user_id = $1 AND type = 'refund_issued'`, [student.id]))
            .length,
        { timeout: 20_000 },
      )
      .toBe(1);
    const o = await orderOf(t, student.token, first.body.orderId);
    expect(o).toMatchObject({ status: 'refunded', refundedMinor: 3500, failureCode: 'duplicate_payment' });
    expect((await orderOf(t, student.token, second.body.orderId)).status).toBe('paid');
    // One enrollment, still active: the refund's charge.refunded (applied since) revoked nothing.
    expect(await enrollmentRows(t, student.id, course.id)).toEqual([
      { status: 'active', source: 'purchase' },
    ]);
    const refunds = await q<{ status: string; gateway_refund_id: string | null; amount_minor: number }>(
      'SELECT status, gateway_refund_id, amount_minor FROM refunds WHERE order_id = $1',
      [first.body.orderId],
    );
    expect(refunds).toEqual([
      { status: 'succeeded', gateway_refund_id: expect.stringMatching(/^re_/), amount_minor: 3500 },
    ]);
    // The gateway gave the money back, and the ledger says so.
    const [pi] = await q<{ amount_refunded: number }>(
      'SELECT amount_refunded FROM sandbox_payment_intents WHERE order_id = $1 AND status = $2',
      [first.body.orderId, 'succeeded'],
    );
    expect(pi!.amount_refunded).toBe(3500);
    const ledger = await q<{ kind: string; amount_minor: number }>(
      'SELECT kind, amount_minor FROM ledger_entries WHERE order_id = $1 ORDER BY kind',
      [first.body.orderId],
    );
    expect(ledger).toEqual([
      { kind: 'charge', amount_minor: 3500 },
      { kind: 'refund', amount_minor: -3500 },
    ]);
    const [charge] = await q<{ outcome: string }>(
      `SELECT outcome FROM gateway_events WHERE order_id = $1 AND type = 'charge.refunded'`,
      [first.body.orderId],
    );
    expect(charge?.outcome).toBe('refunded');
    // The student is told.
    const told = await q<{ type: string; title: string }>(
      `SELECT type, title FROM notifications WHERE user_id = $1 AND type = 'refund_issued'`,
      [student.id],
    );
    expect(told).toHaveLength(1);
    expect(told[0]!.title).toContain('$35.00');
    // No purchase event for the refunded payment; the course counts the student once.
    const purchases = await q(
      `SELECT 1 FROM event_outbox WHERE statement->'verb'->>'id' = $2
          AND statement->'context'->'extensions'->>'https://lyceum.app/xapi/extensions/order-id' = $1`,
      [first.body.orderId, PURCHASE_VERB],
    );
    expect(purchases).toEqual([]);
    const [counter] = await q<{ n: number }>('SELECT enrollment_count AS n FROM courses WHERE id = $1', [
      course.id,
    ]);
    expect(counter!.n).toBe(1);
    const totals = await ledgerTotals(t.server.database.db);
    expect(totals.every((r) => r.net >= 0)).toBe(true);
  });
});

describe('crash safety', () => {
  it('an event acknowledged while nothing applies it is applied when a worker starts', async () => {
    const course = await paidCourse(t, 2500);
    const student = await t.user('student');
    const c = await checkout(t, student.token, course.id);
    // As if the process died right after acknowledging: no worker runs.
    await t.server.payments.fulfilment.worker.stop();
    await pay(t, c.body.checkoutUrl!, card(CARDS.ok));
    const recorded = await eventually(async () => {
      const rows = await q<{ applied_at: Date | null }>(
        `SELECT applied_at FROM gateway_events WHERE payload->'data'->'object'->>'client_reference_id' = $1`,
        [c.body.orderId],
      );
      return rows.length ? rows : undefined;
    });
    expect(recorded).toEqual([{ applied_at: null }]);
    expect((await orderOf(t, student.token, c.body.orderId)).status).toBe('pending');

    // The next start (a new process) applies what the inbox holds.
    const poked: number[] = [];
    const worker = fulfilmentWorker({
      pool: t.server.database.pool,
      logger: pino({ level: 'silent' }),
      gateway: 'sandbox',
      handlers: eventHandlers({ gateway: 'sandbox', applyGatewayRefund, releaseCoupon }),
      onEnrollmentChanged: () => poked.push(Date.now()),
      onPaid: () => {},
      onAutoRefunds: () => {},
    });
    worker.start();
    try {
      await eventually(async () =>
        (await orderOf(t, student.token, c.body.orderId)).status === 'paid' ? true : undefined,
      );
    } finally {
      await worker.stop();
    }
    expect(await enrollmentRows(t, student.id, course.id)).toEqual([
      { status: 'active', source: 'purchase' },
    ]);
    expect(poked.length).toBeGreaterThan(0);
  });
});
