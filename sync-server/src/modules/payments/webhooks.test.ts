import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import type { StripeEvent } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { signStripePayload } from './gateway/signature.ts';
import { sessionObject, stripeEvent } from './sandbox/events.ts';
import {
  CARDS,
  card,
  checkout,
  enrollmentRows,
  orderBecomes,
  orderOf,
  paidCourse,
  pay,
  sessionIdOf,
} from './test-support.ts';

const SECRET = `whsec_${randomBytes(24).toString('hex')}`;
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ STRIPE_WEBHOOK_SECRET: SECRET });
});
afterAll(() => t.close());

const post = (payload: string, signature: string | null) =>
  fetch(`${t.url}/api/v1/payments/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      ...(signature === null ? {} : { 'stripe-signature': signature }),
    },
    body: payload,
  });

/** A pending order and the completed-session event the sandbox would send for it (not sent). */
async function pendingOrderAndEvent() {
  const course = await paidCourse(t, 3000);
  const student = await t.user('student');
  const c = await checkout(t, student.token, course.id);
  const session = await t.server.payments.sandbox!.payments.session(sessionIdOf(c.body.checkoutUrl!));
  const event = stripeEvent(
    'checkout.session.completed',
    sessionObject({
      ...session,
      status: 'complete',
      paymentStatus: 'paid',
      paymentIntentId: `pi_${randomBytes(8).toString('hex')}`,
    }),
  );
  return { course, student, orderId: c.body.orderId, event };
}

describe('payment webhook signatures', () => {
  it('the sandbox signs exactly as Stripe does: the Stripe SDK verifies its header', () => {
    const payload = JSON.stringify({ id: 'evt_1', object: 'event' });
    const header = signStripePayload(payload, SECRET);
    expect(() => Stripe.webhooks.constructEvent(payload, header, SECRET)).not.toThrow();
    // …and the SDK's own test header verifies with our endpoint's check too (same scheme).
    const sdkHeader = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });
    expect(sdkHeader).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it('unsigned, wrongly signed, stale and tampered bodies answer 400 and change nothing', async () => {
    const { student, orderId, event, course } = await pendingOrderAndEvent();
    const payload = JSON.stringify(event);
    const now = Math.floor(Date.now() / 1000);
    const tampered = payload
      .replace('"amount_total": 3000', '"amount_total": 1')
      .replace('"amount_total":3000', '"amount_total":1');
    expect(tampered).not.toBe(payload);
    const attempts: [string, string | null][] = [
      [payload, null],
      [payload, 'garbage'],
      [payload, signStripePayload(payload, 'whsec_wrong')],
      [payload, signStripePayload(payload, SECRET, now - 301)],
      [payload, signStripePayload(payload, SECRET, now + 3600)],
      [tampered, signStripePayload(payload, SECRET)],
      ['not json', signStripePayload('not json', SECRET)],
    ];
    for (const [body, sig] of attempts) {
      const r = await post(body, sig);
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: { code: string } }).error.code).toMatch(
        /^(webhook_signature_invalid|validation_failed)$/,
      );
    }
    expect((await orderOf(t, student.token, orderId)).status).toBe('pending');
    expect(await enrollmentRows(t, student.id, course.id)).toEqual([]);
    const seen = await t.server.database.pool.query('SELECT 1 FROM gateway_events WHERE id = $1', [event.id]);
    expect(seen.rowCount).toBe(0);
  });

  it('a valid event is applied once; repeats, also concurrent ones, are acknowledged as duplicates', async () => {
    const { student, orderId, event, course } = await pendingOrderAndEvent();
    const payload = JSON.stringify(event);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        post(payload, signStripePayload(payload, SECRET)).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as { duplicate: boolean },
        })),
      ),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => !a.body.duplicate)).toHaveLength(1);
    await orderBecomes(t, student.token, orderId, 'paid');
    expect(await enrollmentRows(t, student.id, course.id)).toEqual([
      { status: 'active', source: 'purchase' },
    ]);
    const ledger = await t.server.database.pool.query(
      'SELECT count(*)::int AS n FROM ledger_entries WHERE order_id = $1',
      [orderId],
    );
    expect(ledger.rows[0].n).toBe(1);
  });

  it('unknown event types, unknown orders and unreadable objects are acknowledged (200), never 5xx', async () => {
    const events: StripeEvent[] = [
      stripeEvent('customer.created', { id: 'cus_1', object: 'customer' }),
      stripeEvent('checkout.session.completed', { id: 'cs_x', object: 'checkout.session', weird: true }),
      stripeEvent('checkout.session.completed', {
        id: 'cs_test_unknown',
        object: 'checkout.session',
        status: 'complete',
        payment_status: 'paid',
        amount_total: 100,
        currency: 'usd',
        client_reference_id: 'not-a-uuid',
        metadata: {},
        payment_intent: 'pi_unknown',
      }),
      stripeEvent('charge.refunded', {
        id: 'ch_1',
        object: 'charge',
        amount: 5,
        amount_refunded: 5,
        currency: 'usd',
        payment_intent: 'pi_none',
        refunded: true,
      }),
    ];
    for (const e of events) {
      const payload = JSON.stringify(e);
      const r = await post(payload, signStripePayload(payload, SECRET));
      expect(r.status).toBe(200);
    }
  });

  it('a paid amount that differs from the order is not honoured (tampered amount)', async () => {
    const { student, orderId, event, course } = await pendingOrderAndEvent();
    (event.data.object as { amount_total: number }).amount_total = 1;
    const payload = JSON.stringify(event);
    expect((await post(payload, signStripePayload(payload, SECRET))).status).toBe(200);
    await t.server.payments.fulfilment.settled();
    const o = await orderOf(t, student.token, orderId);
    expect(o).toMatchObject({ status: 'pending', failureCode: 'amount_mismatch' });
    expect(await enrollmentRows(t, student.id, course.id)).toEqual([]);
  });

  it('the sandbox delivers each event again on failure and repeats are harmless (chaos hook: 3 copies each)', async () => {
    const course = await paidCourse(t);
    const student = await t.user('student');
    const c = await checkout(t, student.token, course.id);
    const sandbox = t.server.payments.sandbox!;
    sandbox.delivery.setChaos({ copies: [3, 3], maxDelayMs: 50 });
    try {
      await pay(t, c.body.checkoutUrl!, card(CARDS.ok));
      await sandbox.delivery.idle();
    } finally {
      sandbox.delivery.setChaos(null);
    }
    await orderBecomes(t, student.token, c.body.orderId, 'paid');
    expect(await enrollmentRows(t, student.id, course.id)).toHaveLength(1);
  });
});
