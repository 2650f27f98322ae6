import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Coupon, CouponList } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../../test/harness.ts';
import { CARDS, card, checkout, orderBecomes, pay } from '../test-support.ts';
import { insertOrder, paidCourse } from '../refunds/test-support.ts';
import { consumeCoupon, discountOf, quoteCoupon, releaseCoupon } from './service.ts';

let t: TestServer;
let admin: Awaited<ReturnType<TestServer['user']>>;
beforeAll(async () => {
  t = await startTestServer();
  admin = await t.user('admin');
});
afterAll(() => t.close());

type ErrorBody = { error: { code: string; details?: unknown } };
let n = 0;
const code = (prefix = 'C') => `${prefix}${Date.now().toString(36).toUpperCase()}${++n}`;

const create = (token: string, body: object) =>
  t.api<Coupon & ErrorBody>('POST', '/api/v1/coupons', { token, body });

const quote = (c: string, courseId: string, userId = crypto.randomUUID()) =>
  quoteCoupon(t.server.database.db, { code: c, courseId, userId });

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'no error';
}

describe('making coupons', () => {
  it('admins make them for every course; instructors only for their own course', async () => {
    const { owner, course } = await paidCourse(t, 5000);
    const other = await t.user('instructor');
    const student = await t.user('student');
    const all = await create(admin.token, { code: code('all-'), percentOff: 10 });
    expect(all.status).toBe(201);
    expect(all.body).toMatchObject({ courseId: null, percentOff: 10, amountOff: null, redeemedCount: 0 });
    expect(all.body.code).toMatch(/^ALL-/);
    const own = await create(owner.token, {
      code: code(),
      amountOff: { amountMinor: 700, currency: 'USD' },
      courseId: course.id,
      maxRedemptions: 5,
    });
    expect(own.status).toBe(201);
    expect((await create(owner.token, { code: code(), percentOff: 10 })).status).toBe(403);
    expect((await create(other.token, { code: code(), percentOff: 10, courseId: course.id })).status).toBe(
      403,
    );
    expect((await create(student.token, { code: code(), percentOff: 10, courseId: course.id })).status).toBe(
      403,
    );
    const dup = await create(admin.token, { code: all.body.code.toLowerCase(), percentOff: 5 });
    expect(dup.status).toBe(409);

    const mine = await t.api<CouponList>('GET', '/api/v1/coupons', { token: owner.token });
    expect(mine.body.items.map((c) => c.id)).toEqual([own.body.id]);
    expect((await t.api<CouponList>('GET', '/api/v1/coupons', { token: other.token })).body.items).toEqual(
      [],
    );
    const everything = await t.api<CouponList>('GET', '/api/v1/coupons', { token: admin.token });
    expect(everything.body.items.map((c) => c.id)).toEqual(
      expect.arrayContaining([all.body.id, own.body.id]),
    );
    const filtered = await t.api<CouponList>('GET', `/api/v1/coupons?courseId=${course.id}`, {
      token: admin.token,
    });
    expect(filtered.body.items.map((c) => c.id)).toEqual([own.body.id]);
    expect((await t.api('GET', `/api/v1/coupons?courseId=${course.id}`, { token: other.token })).status).toBe(
      403,
    );
  });

  it('hostile bodies answer 400 validation_failed', async () => {
    const { course } = await paidCourse(t, 5000);
    for (const body of [
      {},
      { code: 'ok-code' },
      { code: 'x', percentOff: 10 },
      { code: 'has space', percentOff: 10 },
      { code: "'; DROP TABLE coupons; --", percentOff: 10 },
      { code: code(), percentOff: 0 },
      { code: code(), percentOff: 101 },
      { code: code(), percentOff: 10.5 },
      { code: code(), percentOff: 10, amountOff: { amountMinor: 100, currency: 'USD' } },
      { code: code(), amountOff: { amountMinor: 100, currency: 'usd' } },
      { code: code(), amountOff: { amountMinor: 100, currency: 'EUR' }, courseId: course.id },
      { code: code(), percentOff: 10, expiresAt: '2020-01-01T00:00:00Z' },
      { code: code(), percentOff: 10, maxRedemptions: 0 },
      { code: code(), percentOff: 10, courseId: 'nope' },
      { code: code(), percentOff: 10, surprise: 1 },
    ]) {
      const r = await create(admin.token, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
  });
});

describe('quoting at checkout', () => {
  it('answers the discount, or coupon_invalid / coupon_expired / coupon_wrong_course / coupon_exhausted', async () => {
    const { course } = await paidCourse(t, 4999);
    const { course: other } = await paidCourse(t, 1000);
    const pct = await create(admin.token, { code: code(), percentOff: 15, courseId: course.id });
    expect(await quote(pct.body.code.toLowerCase(), course.id)).toMatchObject({
      couponId: pct.body.id,
      discountMinor: 749,
      listAmountMinor: 4999,
      currency: 'USD',
    });
    expect(await errorOf(quote(pct.body.code, other.id))).toBe('coupon_wrong_course');
    expect(await errorOf(quote('NO-SUCH-CODE', course.id))).toBe('coupon_invalid');
    const big = await create(admin.token, {
      code: code(),
      amountOff: { amountMinor: 99_999, currency: 'USD' },
    });
    expect((await quote(big.body.code, other.id)).discountMinor).toBe(1000);
    const eur = await create(admin.token, { code: code(), amountOff: { amountMinor: 100, currency: 'EUR' } });
    expect(await errorOf(quote(eur.body.code, course.id))).toBe('coupon_wrong_course');
    const soon = await create(admin.token, {
      code: code(),
      percentOff: 5,
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    await t.server.database.pool.query(
      `UPDATE coupons SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [soon.body.id],
    );
    expect(await errorOf(quote(soon.body.code, course.id))).toBe('coupon_expired');
    const once = await create(admin.token, { code: code(), percentOff: 5, maxRedemptions: 1 });
    const s = await t.user('student');
    const o = await insertOrder(t.server.database.pool, {
      userId: s.id,
      courseId: course.id,
      amountMinor: 4749,
      listAmountMinor: 4999,
      status: 'pending',
    });
    await t.server.database.db.transaction((tx) => consumeCoupon(tx, once.body.id, o.id));
    expect(await errorOf(quote(once.body.code, course.id))).toBe('coupon_exhausted');
    // The order failed: the redemption is given back.
    await t.server.database.db.transaction((tx) => releaseCoupon(tx, o.id));
    expect((await quote(once.body.code, course.id)).couponId).toBe(once.body.id);
  });

  it('rounds percentages down to a whole minor unit; 100 % is the whole price', () => {
    expect(discountOf({ percentOff: 33, amountOffMinor: null }, 1001)).toBe(330);
    expect(discountOf({ percentOff: 100, amountOffMinor: null }, 1001)).toBe(1001);
    expect(discountOf({ percentOff: null, amountOffMinor: 500 }, 300)).toBe(300);
  });

  it('never lets more checkouts than the cap use a coupon, however many race for it', async () => {
    const { course } = await paidCourse(t, 2000);
    const cap = await create(admin.token, { code: code(), percentOff: 50, maxRedemptions: 3 });
    const pool = t.server.database.pool;
    const orders = await Promise.all(
      Array.from({ length: 12 }, async () => {
        const s = await t.user('student');
        return insertOrder(pool, {
          userId: s.id,
          courseId: course.id,
          amountMinor: 1000,
          listAmountMinor: 2000,
          status: 'pending',
        });
      }),
    );
    const outcomes = await Promise.all(
      orders.map((o) =>
        t.server.database.db
          .transaction((tx) => consumeCoupon(tx, cap.body.id, o.id))
          .then(() => 'ok')
          .catch((err: { code?: string }) => err.code ?? 'error'),
      ),
    );
    expect(outcomes.filter((x) => x === 'ok')).toHaveLength(3);
    expect(outcomes.filter((x) => x === 'coupon_exhausted')).toHaveLength(9);
    const row = await pool.query('SELECT redeemed_count FROM coupons WHERE id = $1', [cap.body.id]);
    expect(row.rows[0].redeemed_count).toBe(3);
    const used = await pool.query('SELECT count(*)::int AS n FROM coupon_redemptions WHERE coupon_id = $1', [
      cap.body.id,
    ]);
    expect(used.rows[0].n).toBe(3);
    // Consuming again for an order that already has it counts nothing more.
    const first = orders[outcomes.indexOf('ok')]!;
    await t.server.database.db.transaction((tx) => consumeCoupon(tx, cap.body.id, first.id));
    expect(
      (await pool.query('SELECT redeemed_count FROM coupons WHERE id = $1', [cap.body.id])).rows[0],
    ).toEqual({
      redeemed_count: 3,
    });
  });

  it('through checkout: a 20 % coupon lowers what the gateway charges and is counted once', async () => {
    const { course } = await paidCourse(t, 5000);
    const c20 = await create(admin.token, { code: code(), percentOff: 20, courseId: course.id });
    const s = await t.user('student');
    const r = await checkout(t, s.token, course.id, { couponCode: c20.body.code });
    expect(r.status).toBe(201);
    await pay(t, r.body.checkoutUrl!, card(CARDS.ok));
    const order = await orderBecomes(t, s.token, r.body.orderId, 'paid');
    expect(order).toMatchObject({ amountMinor: 4000, listAmountMinor: 5000, couponId: c20.body.id });
    const counted = await t.server.database.pool.query('SELECT redeemed_count FROM coupons WHERE id = $1', [
      c20.body.id,
    ]);
    expect(counted.rows[0].redeemed_count).toBe(1);
    const bad = await t.api<ErrorBody>('POST', `/api/v1/courses/${course.id}/checkout`, {
      token: (await t.user('student')).token,
      body: { couponCode: 'NOT-A-COUPON' },
    });
    expect(bad.status).toBe(404);
    expect(bad.body.error.code).toBe('coupon_invalid');
  });
});

describe('the OpenAPI document', () => {
  it('describes every payment-offers route', async () => {
    const doc = await t.api<{ paths: Record<string, Record<string, { operationId: string }>> }>(
      'GET',
      '/api/openapi.json',
    );
    const ops = Object.values(doc.body.paths).flatMap((m) => Object.values(m).map((o) => o.operationId));
    expect(ops).toEqual(
      expect.arrayContaining([
        'createCoupon',
        'listCoupons',
        'requestRefund',
        'listOrderRefunds',
        'getOrderReceipt',
        'createVoucherBatch',
        'listVoucherBatches',
        'getVoucherBatch',
        'exportVoucherCodes',
        'revokeVoucherBatch',
        'voucherVerifiers',
        'redeemVoucher',
      ]),
    );
    expect(doc.body.paths['/api/v1/orders/{id}/refunds']?.post?.operationId).toBe('requestRefund');
  });
});
