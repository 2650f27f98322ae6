import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../catalog/structure.ts';
import { platformEvents } from '../analytics/collector/sources/outbox.ts';
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

export type FulfilOutcome =
  | 'fulfilled'
  | 'already_paid'
  | 'unknown_order'
  | 'amount_mismatch'
  /** The student already owned the course: the payment is recorded and given back (fulfilment-batch.ts). */
  | 'duplicate_refunded';

/** The xAPI verb of a purchase (not one of the analytics verbs yet: it is stored as `other` with this IRI). */
export const PURCHASE_VERB = 'http://activitystrea.ms/schema/1.0/purchase';
const EXT = 'https://lyceum.app/xapi/extensions';

export const purchaseEvent = (
  o: Pick<
    OrderRow,
    'id' | 'userId' | 'courseId' | 'amountMinor' | 'listAmountMinor' | 'currency' | 'gateway'
  >,
) => ({
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
export async function lockOrder(tx: PaymentsTx, orderId: string | null, paymentIntentId: string | null) {
  const where = orderId
    ? eq(orders.id, orderId)
    : paymentIntentId
      ? eq(orders.paymentIntentId, paymentIntentId)
      : undefined;
  if (!where) return undefined;
  const [row] = await tx.select().from(orders).where(where).for('update');
  return row;
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
