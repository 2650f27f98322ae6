import type pg from 'pg';
import { newId } from '../../lib/ids.ts';
import { platformEvents } from '../analytics/collector/sources/outbox.ts';
import { purchaseEvent, type FulfilOutcome, type PaidFacts } from './fulfilment.ts';

/** A connection inside the caller's transaction. */
export type TxClient = Pick<pg.PoolClient, 'query'>;

export interface BatchFacts extends PaidFacts {
  /** The gateway event that reported the payment. */
  eventId: string;
}

/** A payment booked and to be given back through the gateway, after the commit (duplicate-payments.ts). */
export interface AutoRefund {
  refundId: string;
  orderId: string;
  userId: string;
  courseId: string;
  courseTitle: string;
  paymentIntentId: string;
  amountMinor: number;
  currency: string;
}

export interface BatchResult {
  /** Per event: what happened, and the order it concerned. */
  outcomes: Map<string, { outcome: FulfilOutcome; orderId: string | null }>;
  /** Orders this batch marked paid and enrolled (their receipts go after the commit). */
  paid: string[];
  enrollmentChanged: boolean;
  autoRefunds: AutoRefund[];
  /** Facts naming an order another fact of the same call names too: apply them in another call. */
  deferred: BatchFacts[];
}

interface Target {
  i: number;
  id: string;
  user_id: string;
  course_id: string;
  course_title: string;
  status: string;
  amount_minor: number;
  list_amount_minor: number;
  currency: string;
  coupon_id: string | null;
  gateway: 'sandbox' | 'stripe' | 'none';
  owned: boolean;
}

export const DUPLICATE_MESSAGE =
  'You already own this course through another order: this payment is refunded in full.';
const stamp = <T extends object>(s: T) => ({ ...s, id: newId(), timestamp: new Date().toISOString() });

/**
 * Apply many payments at once, set-based, in the caller's transaction (a handful of statements whatever the count).
 * The rules are fulfilOrder's, for every fact:
 * - the order is locked (all of them, in id order); an order already paid or refunded is left alone (a repeat);
 * - a paid amount or currency that differs from the order's is not honoured (amount_mismatch, kept on the order);
 * - a payment for an open order, or a late one for an order that failed or expired, is honoured: the order is paid
 *   and the student enrolled (source `purchase`) in this transaction, with the ledger's charge, the gateway
 *   transaction, the analytics events (outbox) and the course's counter; a late payment's coupon counts again;
 * - but when the student already owns the course (another order, a voucher…, or an earlier fact of this call), the
 *   money is recorded and given back: the order becomes refunded (duplicate_payment), the ledger gets the charge, a
 *   pending refund row is written, and the gateway is asked after the commit (`autoRefunds`). Never a second
 *   enrollment. `autoRefund: false` (a refund that overtook its payment) honours it as before.
 */
export async function fulfilBatch(
  client: TxClient,
  facts: BatchFacts[],
  opts: { autoRefund?: boolean } = {},
): Promise<BatchResult> {
  const result: BatchResult = {
    outcomes: new Map(),
    paid: [],
    enrollmentChanged: false,
    autoRefunds: [],
    deferred: [],
  };
  if (!facts.length) return result;
  const { rows } = await client.query<Target>(
    `SELECT f.i, o.id, o.user_id, o.course_id, c.title AS course_title, o.status, o.amount_minor,
            o.list_amount_minor, o.currency, o.coupon_id, o.gateway,
            EXISTS (SELECT 1 FROM enrollments e WHERE e.user_id = o.user_id AND e.course_id = o.course_id
                       AND e.status IN ('active', 'completed')) AS owned
       FROM jsonb_to_recordset($1::jsonb) AS f(i int, order_id uuid, pi text)
       JOIN orders o ON o.id = coalesce(f.order_id, (SELECT x.id FROM orders x WHERE x.payment_intent_id = f.pi))
       JOIN courses c ON c.id = o.course_id
      ORDER BY o.id FOR UPDATE OF o`,
    [JSON.stringify(facts.map((f, i) => ({ i, order_id: f.orderId, pi: f.paymentIntentId })))],
  );
  const byFact = new Map(rows.map((r) => [r.i, r]));
  const seenOrders = new Set<string>();
  const owners = new Set<string>();
  const fulfil: { f: BatchFacts; o: Target; late: boolean }[] = [];
  const duplicates: { f: BatchFacts; o: Target }[] = [];
  const mismatches: { f: BatchFacts; o: Target }[] = [];
  facts.forEach((f, i) => {
    const o = byFact.get(i);
    const set = (outcome: FulfilOutcome) =>
      result.outcomes.set(f.eventId, { outcome, orderId: o?.id ?? null });
    if (!o) return set('unknown_order');
    if (seenOrders.has(o.id)) return void result.deferred.push(f);
    seenOrders.add(o.id);
    if (o.status === 'paid' || o.status === 'refunded' || o.status === 'partially_refunded')
      return set('already_paid');
    if (o.amount_minor !== f.amountMinor || o.currency !== f.currency) {
      mismatches.push({ f, o });
      return set('amount_mismatch');
    }
    const owner = `${o.user_id}:${o.course_id}`;
    if (opts.autoRefund !== false && (o.owned || owners.has(owner))) {
      duplicates.push({ f, o });
      return set('duplicate_refunded');
    }
    owners.add(owner);
    fulfil.push({ f, o, late: o.status !== 'pending' });
    set('fulfilled');
  });

  if (fulfil.length) {
    const r = await client.query<{ enrolled: number }>(FULFIL_SQL, [
      JSON.stringify(
        fulfil.map(({ f, o, late }) => ({
          order_id: o.id,
          pi: f.paymentIntentId,
          user_id: o.user_id,
          course_id: o.course_id,
          amount: f.amountMinor,
          currency: f.currency,
          gateway: f.gateway,
          enrollment_id: newId(),
          ledger_id: newId(),
          txn_id: newId(),
          // The enrolled event first, then the purchase (ids are time-ordered): as grantEnrollment then fulfilment.
          enrolled: stamp(platformEvents.enrolled(o.user_id, o.course_id)),
          purchase: stamp(
            purchaseEvent({
              id: o.id,
              userId: o.user_id,
              courseId: o.course_id,
              amountMinor: o.amount_minor,
              listAmountMinor: o.list_amount_minor,
              currency: o.currency,
              gateway: o.gateway,
            }),
          ),
          coupon_id: late ? o.coupon_id : null,
          discount: o.list_amount_minor - o.amount_minor,
        })),
      ),
    ]);
    result.paid = fulfil.map((x) => x.o.id);
    result.enrollmentChanged = (r.rows[0]?.enrolled ?? 0) > 0;
  }

  if (duplicates.length) {
    const refunds = duplicates.map(({ f, o }) => ({
      refundId: newId(),
      orderId: o.id,
      userId: o.user_id,
      courseId: o.course_id,
      courseTitle: o.course_title,
      paymentIntentId: f.paymentIntentId,
      amountMinor: f.amountMinor,
      currency: f.currency,
      gateway: f.gateway,
    }));
    await client.query(DUPLICATE_SQL, [
      JSON.stringify(
        refunds.map((d) => ({
          order_id: d.orderId,
          pi: d.paymentIntentId,
          amount: d.amountMinor,
          currency: d.currency,
          gateway: d.gateway,
          ledger_id: newId(),
          txn_id: newId(),
          refund_id: d.refundId,
        })),
      ),
      DUPLICATE_MESSAGE,
    ]);
    result.autoRefunds = refunds.map(({ gateway: _gateway, ...r }) => r);
  }

  if (mismatches.length)
    await client.query(
      `UPDATE orders o SET failure_code = 'amount_mismatch', updated_at = now(),
              failure_message = 'The gateway reported ' || m.amount || ' ' || m.currency || ', the order is '
                                || o.amount_minor || ' ' || o.currency
         FROM jsonb_to_recordset($1::jsonb) AS m(order_id uuid, amount int, currency text)
        WHERE o.id = m.order_id`,
      [
        JSON.stringify(
          mismatches.map(({ f, o }) => ({ order_id: o.id, amount: f.amountMinor, currency: f.currency })),
        ),
      ],
    );
  return result;
}

/** Paid and enrolled, with everything that goes with it, in one statement. */
const FULFIL_SQL = `
WITH f AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
    order_id uuid, pi text, user_id uuid, course_id uuid, amount int, currency text, gateway text,
    enrollment_id uuid, ledger_id uuid, txn_id uuid, enrolled jsonb, purchase jsonb, coupon_id uuid, discount int)
), paid AS (
  UPDATE orders o
     SET status = 'paid', paid_at = now(), payment_intent_id = f.pi, failure_code = NULL, failure_message = NULL,
         updated_at = now()
    FROM f WHERE o.id = f.order_id
  RETURNING o.id
), enr AS (
  INSERT INTO enrollments (id, course_id, user_id, status, source)
  SELECT enrollment_id, course_id, user_id, 'active', 'purchase' FROM f
  ON CONFLICT (course_id, user_id) DO UPDATE
     SET status = CASE WHEN enrollments.completed_at IS NULL THEN 'active' ELSE 'completed' END,
         source = 'purchase', enrolled_at = now(), dropped_at = NULL, updated_at = now()
   WHERE enrollments.status IN ('dropped', 'refunded')
  RETURNING course_id, user_id
), counted AS (
  UPDATE courses c SET enrollment_count = GREATEST(0, c.enrollment_count + d.n)
    FROM (SELECT course_id, count(*)::int AS n FROM enr GROUP BY course_id) d
   WHERE c.id = d.course_id
  RETURNING c.id
), ledger AS (
  INSERT INTO ledger_entries (id, order_id, kind, amount_minor, currency, entry_key)
  SELECT ledger_id, order_id, 'charge', amount, currency, 'charge:' || gateway || ':' || pi FROM f
  ON CONFLICT (entry_key) DO NOTHING
  RETURNING id
), txn AS (
  INSERT INTO payment_transactions (id, order_id, gateway, kind, gateway_ref, amount_minor, currency, status)
  SELECT txn_id, order_id, gateway, 'charge', pi, amount, currency, 'succeeded' FROM f
  ON CONFLICT DO NOTHING
  RETURNING id
), outbox AS (
  INSERT INTO event_outbox (id, statement)
  SELECT (s->>'id')::uuid, s FROM (
    SELECT f.enrolled AS s FROM f JOIN enr ON enr.course_id = f.course_id AND enr.user_id = f.user_id
    UNION ALL
    SELECT f.purchase FROM f
  ) events
  RETURNING id
), redeemed AS (
  INSERT INTO coupon_redemptions (order_id, coupon_id, user_id, discount_minor)
  SELECT order_id, coupon_id, user_id, discount FROM f WHERE coupon_id IS NOT NULL
  ON CONFLICT (order_id) DO NOTHING
  RETURNING coupon_id
), recounted AS (
  UPDATE coupons c SET redeemed_count = c.redeemed_count + d.n
    FROM (SELECT coupon_id, count(*)::int AS n FROM redeemed GROUP BY coupon_id) d
   WHERE c.id = d.coupon_id
  RETURNING c.id
)
SELECT (SELECT count(*) FROM enr)::int AS enrolled`;

/** A payment for a course the student already owns: recorded, and refunded in our books (the gateway after commit). */
const DUPLICATE_SQL = `
WITH d AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
    order_id uuid, pi text, amount int, currency text, gateway text, ledger_id uuid, txn_id uuid, refund_id uuid)
), booked AS (
  UPDATE orders o
     SET status = 'refunded', paid_at = now(), payment_intent_id = d.pi, refunded_minor = o.amount_minor,
         failure_code = 'duplicate_payment', failure_message = $2, updated_at = now()
    FROM d WHERE o.id = d.order_id
  RETURNING o.id
), ledger AS (
  INSERT INTO ledger_entries (id, order_id, kind, amount_minor, currency, entry_key)
  SELECT ledger_id, order_id, 'charge', amount, currency, 'charge:' || gateway || ':' || pi FROM d
  ON CONFLICT (entry_key) DO NOTHING
  RETURNING id
), txn AS (
  INSERT INTO payment_transactions (id, order_id, gateway, kind, gateway_ref, amount_minor, currency, status)
  SELECT txn_id, order_id, gateway, 'charge', pi, amount, currency, 'succeeded' FROM d
  ON CONFLICT DO NOTHING
  RETURNING id
)
INSERT INTO refunds (id, order_id, amount_minor, currency, reason, status, requested_by, requested_as)
SELECT refund_id, order_id, amount, currency, $2, 'pending', NULL, 'admin' FROM d`;
