import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../catalog/structure.ts';
import { newId } from '../../lib/ids.ts';
import { platformEvents } from '../analytics/collector/sources/outbox.ts';
import { grantEnrollment } from '../enrollment/service.ts';
import { orders, type OrderRow } from './tables.ts';

export type PaymentsTx = Tx;

/** What the gateway says was paid. */
export interface PaidFacts {
  /** From the session's client_reference_id / metadata; null when only the payment intent is known. */
  orderId: string | null;
  paymentIntentId: string;
  amountMinor: number;
  /** Upper-case ISO 4217 (Stripe sends lower-case; callers normalise). */
  currency: string;
  gateway: 'sandbox' | 'stripe';
}

export type FulfilOutcome = 'fulfilled' | 'already_paid' | 'unknown_order' | 'amount_mismatch';

/** The xAPI verb of a purchase (not one of the analytics verbs yet: it is stored as `other` with this IRI). */
export const PURCHASE_VERB = 'http://activitystrea.ms/schema/1.0/purchase';
const EXT = 'https://lyceum.app/xapi/extensions';

export const purchaseEvent = (o: OrderRow) => ({
  ...platformEvents.enrolled(o.userId, o.courseId),
  verb: { id: PURCHASE_VERB, display: { en: 'purchased' } },
  result: {
    extensions: {
      [`${EXT}/amount-minor`]: o.amountMinor,
      [`${EXT}/list-amount-minor`]: o.listAmountMinor,
      [`${EXT}/currency`]: o.currency,
    },
  },
  context: { platform: 'Lyceum', extensions: { [`${EXT}/order-id`]: o.id, [`${EXT}/gateway`]: o.gateway } },
});

/** Lock the order the facts name (by id, else by payment intent). */
async function lockOrder(tx: PaymentsTx, orderId: string | null, paymentIntentId: string | null) {
  const where = orderId
    ? eq(orders.id, orderId)
    : paymentIntentId
      ? eq(orders.paymentIntentId, paymentIntentId)
      : undefined;
  if (!where) return undefined;
  const [row] = await tx.select().from(orders).where(where).for('update');
  return row;
}

/**
 * Mark the order paid and enroll the student (source `purchase`), in the caller's transaction — exactly once: the
 * order row is locked, and an order already paid (or refunded since) is left alone. The ledger's charge, the
 * gateway transaction and the analytics event (transactional outbox) are written in the same transaction.
 * A payment whose amount or currency differs from the order's is not honoured (amount_mismatch; reconciliation
 * flags it).
 */
export async function fulfilOrder(
  tx: PaymentsTx,
  facts: PaidFacts,
): Promise<{ outcome: FulfilOutcome; order: OrderRow | null }> {
  // The usual case in one statement: the order (pending, or failed/expired when money arrived anyway — a late
  // async payment — since money taken is honoured) with exactly the paid amount becomes paid. The UPDATE locks the
  // row; a concurrent fulfilment of the same order waits, then no longer matches.
  const [paid] = await tx
    .update(orders)
    .set({
      status: 'paid',
      paidAt: sql`now()`,
      paymentIntentId: facts.paymentIntentId,
      failureCode: null,
      failureMessage: null,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        facts.orderId ? eq(orders.id, facts.orderId) : eq(orders.paymentIntentId, facts.paymentIntentId),
        inArray(orders.status, ['pending', 'failed', 'expired']),
        eq(orders.amountMinor, facts.amountMinor),
        eq(orders.currency, facts.currency),
      ),
    )
    .returning();
  if (!paid) {
    const order = await lockOrder(tx, facts.orderId, facts.paymentIntentId);
    if (!order) return { outcome: 'unknown_order', order: null };
    if (order.status === 'paid' || order.status === 'refunded' || order.status === 'partially_refunded')
      return { outcome: 'already_paid', order };
    await tx
      .update(orders)
      .set({
        failureCode: 'amount_mismatch',
        failureMessage: `The gateway reported ${facts.amountMinor} ${facts.currency}, the order is ${order.amountMinor} ${order.currency}`,
        updatedAt: sql`now()`,
      })
      .where(eq(orders.id, order.id));
    return { outcome: 'amount_mismatch', order };
  }
  await grantEnrollment(tx, { userId: paid.userId, courseId: paid.courseId, source: 'purchase' });
  // The ledger's charge, the gateway transaction and the analytics event, in one round trip.
  const event = purchaseEvent(paid);
  const statement = JSON.stringify({ ...event, id: newId(), timestamp: new Date().toISOString() });
  await tx.execute(sql`
    WITH ledger AS (
      INSERT INTO ledger_entries (id, order_id, kind, amount_minor, currency, entry_key)
      VALUES (${newId()}, ${paid.id}, 'charge', ${facts.amountMinor}, ${facts.currency},
              ${`charge:${facts.gateway}:${facts.paymentIntentId}`})
      ON CONFLICT (entry_key) DO NOTHING
    ), txn AS (
      INSERT INTO payment_transactions (id, order_id, gateway, kind, gateway_ref, amount_minor, currency, status)
      VALUES (${newId()}, ${paid.id}, ${facts.gateway}, 'charge', ${facts.paymentIntentId}, ${facts.amountMinor},
              ${facts.currency}, 'succeeded')
      ON CONFLICT DO NOTHING
    )
    INSERT INTO event_outbox (id, statement) VALUES ((${statement}::jsonb ->> 'id')::uuid, ${statement}::jsonb)`);
  return { outcome: 'fulfilled', order: paid };
}

/** The payment failed for good (async failure) or the session expired: a pending order closes. */
export async function closeOrder(
  tx: PaymentsTx,
  args: { orderId: string; status: 'failed' | 'expired'; code?: string; message?: string },
): Promise<OrderRow | null> {
  const [row] = await tx
    .update(orders)
    .set({
      status: args.status,
      failureCode: args.code ?? sql`${orders.failureCode}`,
      failureMessage: args.message ?? sql`${orders.failureMessage}`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(orders.id, args.orderId), eq(orders.status, 'pending')))
    .returning();
  return row ?? null;
}

/** A declined attempt: the order stays pending (the student may try another card) and keeps the reason. */
export async function noteDecline(
  tx: PaymentsTx,
  args: { orderId: string | null; paymentIntentId: string; code: string; message: string },
): Promise<OrderRow | null> {
  if (!args.orderId) return null;
  const [row] = await tx
    .update(orders)
    .set({ failureCode: args.code, failureMessage: args.message, updatedAt: sql`now()` })
    .where(and(eq(orders.id, args.orderId), eq(orders.status, 'pending')))
    .returning();
  return row ?? null;
}

export { lockOrder };
