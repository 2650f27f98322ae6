import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Refund } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../../test/harness.ts';
import { ledgerTotals } from '../ledger.ts';
import { CARDS, card, checkout, eventually, orderBecomes, pay } from '../test-support.ts';
import { REFUND_VERB, applyGatewayRefund } from './apply.ts';
import { refundRefusal } from './policy.ts';
import { enrollmentOf, insertOrder, paidCourse } from './test-support.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ REFUND_WINDOW_DAYS: '14', REFUND_MAX_PROGRESS_PERCENT: '30' });
});
afterAll(() => t.close());

const EXT = 'https://lyceum.app/xapi/extensions';
type ErrorBody = { error: { code: string; details?: Record<string, unknown> } };

/** A course bought through the sandbox with 4242…: the order is paid once its webhook is applied. */
async function bought(priceCents = 5000, lessons = 1) {
  const { owner, course } = await paidCourse(t, priceCents, lessons);
  const student = await t.user('student');
  const c = await checkout(t, student.token, course.id);
  expect(c.status).toBe(201);
  await pay(t, c.body.checkoutUrl!, card(CARDS.ok));
  await orderBecomes(t, student.token, c.body.orderId, 'paid');
  return { owner, course, student, orderId: c.body.orderId };
}

const refund = (token: string, orderId: string, body: object) =>
  t.api<Refund & ErrorBody>('POST', `/api/v1/orders/${orderId}/refunds`, { token, body });

const orderRow = async (id: string) =>
  (
    await t.server.database.pool.query<{ status: string; refunded_minor: number }>(
      'SELECT status, refunded_minor FROM orders WHERE id = $1',
      [id],
    )
  ).rows[0]!;

/** The gateway's charge.refunded for this order has been handled (it is delivered asynchronously). */
const refundEventHandled = (orderId: string, n = 1) =>
  eventually(async () => {
    const r = await t.server.database.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM gateway_events WHERE order_id = $1 AND type = 'charge.refunded'`,
      [orderId],
    );
    return r.rows[0]!.n >= n ? true : undefined;
  });

describe('refunds by an admin', () => {
  it('refunds partly, refuses more than is left, then fully: the enrollment becomes refunded with its progress kept', async () => {
    const { course, student, orderId } = await bought(5000);
    const admin = await t.user('admin');
    const lesson = course.lessons[0]!;
    const progress = await t.api('POST', '/api/v1/progress', {
      token: student.token,
      body: {
        id: crypto.randomUUID(),
        courseId: course.id,
        lessonId: lesson.id,
        positionSeconds: 30,
        watchedIntervals: [[0, 30]],
        occurredAt: new Date().toISOString(),
      },
    });
    expect(progress.status).toBe(201);

    const part = await refund(admin.token, orderId, { amount: 1000, reason: 'Goodwill' });
    expect(part.status).toBe(201);
    expect(part.body).toMatchObject({
      amountMinor: 1000,
      status: 'succeeded',
      requestedAs: 'admin',
      orderStatus: 'partially_refunded',
      orderRefundedMinor: 1000,
    });
    expect(await enrollmentOf(t.server.database.pool, course.id, student.id)).toMatchObject({
      status: 'active',
    });

    const over = await refund(admin.token, orderId, { amount: 4001, reason: 'Too much' });
    expect(over.status).toBe(422);
    expect(over.body.error).toMatchObject({ code: 'refund_exceeds_paid', details: { remainingMinor: 4000 } });

    const rest = await refund(admin.token, orderId, { reason: 'Course cancelled' });
    expect(rest.status).toBe(201);
    expect(rest.body).toMatchObject({ amountMinor: 4000, orderStatus: 'refunded', orderRefundedMinor: 5000 });
    expect(await enrollmentOf(t.server.database.pool, course.id, student.id)).toMatchObject({
      status: 'refunded',
    });
    expect(await t.server.enrollment.isEnrolled(course.id, student.id)).toBe(false);
    const kept = await t.server.database.pool.query('SELECT 1 FROM lesson_progress WHERE user_id = $1', [
      student.id,
    ]);
    expect(kept.rowCount).toBe(1);
    const denied = await t.api<ErrorBody>('POST', '/api/v1/progress', {
      token: student.token,
      body: {
        id: crypto.randomUUID(),
        courseId: course.id,
        lessonId: lesson.id,
        positionSeconds: 40,
        occurredAt: new Date().toISOString(),
      },
    });
    expect(denied.status).toBe(403);
    const nothingLeft = await refund(admin.token, orderId, { reason: 'Again' });
    expect(nothingLeft.status).toBe(409);
    expect(nothingLeft.body.error.code).toBe('order_not_refundable');

    // The gateway's own charge.refunded events arrive later and change nothing.
    await refundEventHandled(orderId, 2);
    expect(await orderRow(orderId)).toEqual({ status: 'refunded', refunded_minor: 5000 });
    const rows = await t.server.database.pool.query<{ n: number; total: number }>(
      `SELECT count(*)::int AS n, sum(amount_minor)::int AS total FROM refunds WHERE order_id = $1 AND status = 'succeeded'`,
      [orderId],
    );
    expect(rows.rows[0]).toEqual({ n: 2, total: 5000 });
    const ledger = await t.server.database.pool.query<{ total: number }>(
      `SELECT sum(amount_minor)::int AS total FROM ledger_entries WHERE order_id = $1 AND kind = 'refund'`,
      [orderId],
    );
    expect(ledger.rows[0]!.total).toBe(-5000);

    // Buying again reactivates the same enrollment, progress and all.
    const again = await checkout(t, student.token, course.id);
    expect(again.status).toBe(201);
    await pay(t, again.body.checkoutUrl!, card(CARDS.ok));
    await orderBecomes(t, student.token, again.body.orderId, 'paid');
    expect(await enrollmentOf(t.server.database.pool, course.id, student.id)).toEqual({
      status: 'active',
      source: 'purchase',
    });
  });

  it('hostile bodies and unknown orders answer 4xx', async () => {
    const { orderId } = await bought(2000);
    const admin = await t.user('admin');
    for (const body of [
      {},
      { reason: '' },
      { reason: 'x', amount: 0 },
      { reason: 'x', amount: -5 },
      { reason: 'x', amount: 1.5 },
      { reason: 'x', amount: '100' },
      { reason: 'x'.repeat(501) },
      { reason: 'x', extra: true },
    ]) {
      const r = await refund(admin.token, orderId, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    expect((await refund(admin.token, crypto.randomUUID(), { reason: 'x' })).status).toBe(404);
    expect(
      (
        await t.api('POST', '/api/v1/orders/not-a-uuid/refunds', {
          token: admin.token,
          body: { reason: 'x' },
        })
      ).status,
    ).toBe(400);
  });

  it('two refunds at once never exceed what was paid', async () => {
    const { orderId } = await bought(3000);
    const admin = await t.user('admin');
    const answers = await Promise.all(
      [1, 2, 3].map(() => refund(admin.token, orderId, { amount: 1500, reason: 'Race' })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.slice(0, 2)).toEqual([201, 201]);
    // Nothing left: refund_exceeds_paid, or order_not_refundable once the order is fully refunded.
    expect([409, 422]).toContain(statuses[2]);
    expect(await orderRow(orderId)).toEqual({ status: 'refunded', refunded_minor: 3000 });
  });

  it('a refund left pending by a stopped server stops reserving its amount after 15 minutes', async () => {
    const { orderId } = await bought(3000);
    const admin = await t.user('admin');
    await t.server.database.pool.query(
      `INSERT INTO refunds (id, order_id, amount_minor, currency, reason, status, requested_as, created_at)
       VALUES ($1, $2, 3000, 'USD', 'interrupted', 'pending', 'admin', now() - $3::interval)`,
      [crypto.randomUUID(), orderId, '5 minutes'],
    );
    const blocked = await refund(admin.token, orderId, { reason: 'Again' });
    expect(blocked.body.error.code).toBe('order_not_refundable');
    await t.server.database.pool.query(
      `UPDATE refunds SET created_at = now() - interval '16 minutes' WHERE order_id = $1`,
      [orderId],
    );
    const r = await refund(admin.token, orderId, { reason: 'Again' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ amountMinor: 3000, orderStatus: 'refunded' });
  });
});

describe('the refund policy', () => {
  it('lets the course instructor and the student refund within it, and refuses with the rule outside it', async () => {
    const { owner, student, orderId } = await bought(4000, 3);
    const stranger = await t.user('instructor');
    const otherStudent = await t.user('student');
    expect((await refund(stranger.token, orderId, { reason: 'x' })).status).toBe(404);
    expect((await refund(otherStudent.token, orderId, { reason: 'x' })).status).toBe(404);
    const byOwner = await refund(owner.token, orderId, { amount: 500, reason: 'Asked by email' });
    expect(byOwner.status).toBe(201);
    expect(byOwner.body.requestedAs).toBe('instructor');
    const byStudent = await refund(student.token, orderId, { reason: 'Not for me' });
    expect(byStudent.status).toBe(201);
    expect(byStudent.body).toMatchObject({
      requestedAs: 'student',
      amountMinor: 3500,
      orderStatus: 'refunded',
    });
  });

  it('refuses outside the window (window) and with too much done (progress); an admin still may', async () => {
    const late = await bought(4000, 3);
    await t.server.database.pool.query(
      `UPDATE orders SET paid_at = now() - interval '20 days' WHERE id = $1`,
      [late.orderId],
    );
    const r = await refund(late.student.token, late.orderId, { reason: 'Late' });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({
      code: 'refund_not_allowed',
      details: { rule: 'window', maxDays: 14 },
    });
    expect((await refund(late.owner.token, late.orderId, { reason: 'Late' })).status).toBe(403);
    expect((await refund((await t.user('admin')).token, late.orderId, { reason: 'Exception' })).status).toBe(
      201,
    );

    const studied = await bought(4000, 2);
    const done = await t.api('POST', '/api/v1/progress', {
      token: studied.student.token,
      body: {
        id: crypto.randomUUID(),
        courseId: studied.course.id,
        lessonId: studied.course.lessons[0]!.id,
        completed: true,
        occurredAt: new Date().toISOString(),
      },
    });
    expect(done.status).toBe(201);
    const p = await refund(studied.student.token, studied.orderId, { reason: 'Done half' });
    expect(p.status).toBe(403);
    expect(p.body.error).toMatchObject({
      code: 'refund_not_allowed',
      details: { rule: 'progress', progressPercent: 50, maxProgressPercent: 30 },
    });
  });

  it('is a pure rule of days and share done', () => {
    const policy = { maxDays: 7, maxProgressPercent: 25 };
    const now = new Date('2026-01-10T00:00:00Z');
    expect(
      refundRefusal(policy, { paidAt: new Date('2026-01-03T00:00:00Z'), progressPercent: 25, now }),
    ).toBeNull();
    expect(
      refundRefusal(policy, { paidAt: new Date('2026-01-02T23:00:00Z'), progressPercent: 0, now })?.rule,
    ).toBe('window');
    expect(refundRefusal(policy, { paidAt: now, progressPercent: 25.5, now })?.rule).toBe('progress');
  });
});

describe('applyGatewayRefund (charge.refunded)', () => {
  it('is idempotent and order-independent: repeated and older events change nothing, the ledger counts each step once', async () => {
    const { course } = await paidCourse(t, 6000);
    const s = await t.user('student');
    const pool = t.server.database.pool;
    const o = await insertOrder(pool, { userId: s.id, courseId: course.id, amountMinor: 6000 });
    const db = t.server.database.db;
    const apply = (amount: number, ids: string[]) =>
      db.transaction((tx) =>
        applyGatewayRefund(tx, {
          paymentIntentId: o.paymentIntentId!,
          amountRefundedMinor: amount,
          refundIds: ids,
        }),
      );
    const before = (await ledgerTotals(db)).find((x) => x.currency === 'USD')?.refunded ?? 0;
    await apply(2000, ['re_a']);
    await apply(2000, ['re_a']);
    expect(await orderRow(o.id)).toEqual({ status: 'partially_refunded', refunded_minor: 2000 });
    await apply(6000, ['re_a', 're_b']);
    await apply(2000, ['re_a']); // an older event, late
    await apply(6000, ['re_a', 're_b']);
    expect(await orderRow(o.id)).toEqual({ status: 'refunded', refunded_minor: 6000 });
    expect(await enrollmentOf(pool, course.id, s.id)).toMatchObject({ status: 'refunded' });
    const after = (await ledgerTotals(db)).find((x) => x.currency === 'USD')!.refunded;
    expect(after - before).toBe(6000);
    const rows = await pool.query<{ gateway_refund_id: string; amount_minor: number }>(
      `SELECT gateway_refund_id, amount_minor FROM refunds WHERE order_id = $1 ORDER BY gateway_refund_id`,
      [o.id],
    );
    expect(rows.rows).toEqual([
      { gateway_refund_id: 're_a', amount_minor: 2000 },
      { gateway_refund_id: 're_b', amount_minor: 4000 },
    ]);
  });

  it('records each refund step for analytics in the same transaction (transactional outbox)', async () => {
    const { course } = await paidCourse(t, 5000);
    const s = await t.user('student');
    const o = await insertOrder(t.server.database.pool, {
      userId: s.id,
      courseId: course.id,
      amountMinor: 5000,
    });
    const stepsIn = (amount: number) =>
      t.server.database.db.transaction(async (tx) => {
        await applyGatewayRefund(tx, {
          paymentIntentId: o.paymentIntentId!,
          amountRefundedMinor: amount,
          refundIds: [],
        });
        // Read inside the transaction (its own rows: created_at is the transaction's now()); once committed the relay
        // publishes and may prune them.
        const r = await tx.execute<{ amount: number; full: boolean }>(sql`
          SELECT (statement->'result'->'extensions'->>${`${EXT}/amount-minor`})::int AS amount,
                 (statement->'result'->'extensions'->>${`${EXT}/full-refund`})::boolean AS full
            FROM event_outbox
           WHERE statement->'verb'->>'id' = ${REFUND_VERB}
             AND statement->'context'->'extensions'->>${`${EXT}/order-id`} = ${o.id}
             AND created_at = now()`);
        return r.rows;
      });
    expect(await stepsIn(1500)).toEqual([{ amount: 1500, full: false }]);
    expect(await stepsIn(1500)).toEqual([]);
    expect(await stepsIn(5000)).toEqual([{ amount: 3500, full: true }]);
  });

  it('ignores payments it has no paid order for, and never raises past the amount paid', async () => {
    const db = t.server.database.db;
    expect(
      await db.transaction((tx) =>
        applyGatewayRefund(tx, {
          paymentIntentId: 'pi_unknown',
          amountRefundedMinor: 100,
          refundIds: ['re_x'],
        }),
      ),
    ).toBeNull();
    const { course } = await paidCourse(t, 1000);
    const s = await t.user('student');
    const o = await insertOrder(t.server.database.pool, {
      userId: s.id,
      courseId: course.id,
      amountMinor: 1000,
    });
    await db.transaction((tx) =>
      applyGatewayRefund(tx, {
        paymentIntentId: o.paymentIntentId!,
        amountRefundedMinor: 99_999,
        refundIds: [],
      }),
    );
    expect(await orderRow(o.id)).toEqual({ status: 'refunded', refunded_minor: 1000 });
  });
});

describe('refunds with an Idempotency-Key', () => {
  const keyed = (token: string, orderId: string, key: string, body: object) =>
    t.api<Refund & ErrorBody>('POST', `/api/v1/orders/${orderId}/refunds`, {
      token,
      body,
      headers: { 'idempotency-key': key },
    });
  const counts = async (orderId: string) => {
    const pool = t.server.database.pool;
    const ours = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM refunds WHERE order_id = $1 AND requested_as <> 'gateway'`,
      [orderId],
    );
    const gateway = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sandbox_refunds r JOIN orders o ON o.payment_intent_id = r.payment_intent_id
        WHERE o.id = $1`,
      [orderId],
    );
    return { refunds: ours.rows[0]!.n, gatewayRefunds: gateway.rows[0]!.n };
  };

  it('replays the first answer for the same key and refunds once; another request with the key is 422', async () => {
    const { orderId } = await bought(5000);
    const admin = await t.user('admin');
    const key = `refund-${crypto.randomUUID()}`;
    const first = await keyed(admin.token, orderId, key, { amount: 1000, reason: 'Goodwill' });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await keyed(admin.token, orderId, key, { amount: 1000, reason: 'Goodwill' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await counts(orderId)).toEqual({ refunds: 1, gatewayRefunds: 1 });
    expect(await orderRow(orderId)).toEqual({ status: 'partially_refunded', refunded_minor: 1000 });

    for (const other of [
      { amount: 2000, reason: 'Goodwill' },
      { amount: 1000, reason: 'Another reason' },
      { reason: 'Goodwill' },
    ]) {
      const reused = await keyed(admin.token, orderId, key, other);
      expect(reused.status).toBe(422);
      expect(reused.body.error.code).toBe('idempotency_key_reused');
    }
    // The key is the caller's: on another order it is another request too.
    const { orderId: second } = await bought(3000);
    const elsewhere = await keyed(admin.token, second, key, { amount: 1000, reason: 'Goodwill' });
    expect(elsewhere.body.error.code).toBe('idempotency_key_reused');
    expect(await counts(orderId)).toEqual({ refunds: 1, gatewayRefunds: 1 });
    expect(await counts(second)).toEqual({ refunds: 0, gatewayRefunds: 0 });

    // Without a key, the same body is a new refund.
    const unkeyed = await refund(admin.token, orderId, { amount: 1000, reason: 'Goodwill' });
    expect(unkeyed.status).toBe(201);
    expect(unkeyed.body.id).not.toBe(first.body.id);
    expect(await orderRow(orderId)).toEqual({ status: 'partially_refunded', refunded_minor: 2000 });
  });

  it('the same key sent several times at once refunds once and all get the same answer, also after the order is refunded', async () => {
    const { orderId, student } = await bought(4000);
    const key = crypto.randomUUID();
    const body = { reason: 'Changed my mind' };
    const answers = await Promise.all([1, 2, 3, 4].map(() => keyed(student.token, orderId, key, body)));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(3);
    expect(answers[0]!.body).toMatchObject({ amountMinor: 4000, orderStatus: 'refunded' });
    expect(await counts(orderId)).toEqual({ refunds: 1, gatewayRefunds: 1 });
    // Retried later (the client lost the answer): still the first answer, not 409 order_not_refundable.
    const later = await keyed(student.token, orderId, key, body);
    expect(later.status).toBe(201);
    expect(later.body).toEqual(answers[0]!.body);
  });

  it('refuses a malformed key with 400', async () => {
    const { orderId } = await bought(2000);
    const admin = await t.user('admin');
    for (const bad of ['has space', 'x'.repeat(256), 'clé']) {
      const r = await keyed(admin.token, orderId, bad, { reason: 'Bad key' });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
    expect(await counts(orderId)).toEqual({ refunds: 0, gatewayRefunds: 0 });
  });
});
