import { and, eq, inArray, sql } from 'drizzle-orm';
import { platformEvents, recordPlatformEvent } from '../../analytics/collector/sources/outbox.ts';
import type { Tx } from '../../catalog/structure.ts';
import { revokeForRefund } from '../../enrollment/service.ts';
import { newId } from '../../../lib/ids.ts';
import { recordLedger } from '../ledger.ts';
import { orders, type OrderRow } from '../tables.ts';
import { refunds } from './tables.ts';

export type RefundTx = Tx;

export interface RefundSettled {
  /** The order's refunded amount grew. */
  changed: boolean;
  /** This call made the order fully refunded (and revoked the enrollment). */
  revoked: boolean;
  order: OrderRow;
}

const REFUNDABLE = ['paid', 'partially_refunded', 'refunded'] as const;

/** The xAPI verb of a refund (stored as `other` by analytics, like the purchase verb). */
export const REFUND_VERB = 'https://lyceum.app/xapi/verbs/refunded';
const EXT = 'https://lyceum.app/xapi/extensions';

/** The analytics event of a refund step: the amount given back now (minor units), for net revenue. */
export const refundEvent = (o: OrderRow, amountMinor: number, full: boolean) => ({
  ...platformEvents.enrolled(o.userId, o.courseId),
  verb: { id: REFUND_VERB, display: { en: 'refunded' } },
  result: {
    extensions: {
      [`${EXT}/amount-minor`]: amountMinor,
      [`${EXT}/currency`]: o.currency,
      [`${EXT}/full-refund`]: full,
    },
  },
  context: { platform: 'Lyceum', extensions: { [`${EXT}/order-id`]: o.id } },
});

/**
 * Raise the order's refunded amount to `target` (never lower it: refund amounts only grow, so events applied twice
 * or out of order converge on the largest), in the caller's transaction with the order row locked. Writes the
 * ledger's refund entry for the difference (its key is the new cumulative amount, so the same step counts once),
 * sets refunded / partially_refunded, records the analytics event (transactional outbox), and on a full refund
 * makes the enrollment `refunded`.
 */
export async function settleRefund(tx: RefundTx, order: OrderRow, target: number): Promise<RefundSettled> {
  const next = Math.min(order.amountMinor, target);
  if (next <= order.refundedMinor) return { changed: false, revoked: false, order };
  const full = next >= order.amountMinor;
  const [updated] = await tx
    .update(orders)
    .set({ refundedMinor: next, status: full ? 'refunded' : 'partially_refunded', updatedAt: sql`now()` })
    .where(eq(orders.id, order.id))
    .returning();
  await recordLedger(tx, {
    orderId: order.id,
    kind: 'refund',
    amountMinor: -(next - order.refundedMinor),
    currency: order.currency,
    entryKey: `refund:${order.id}:${next}`,
    memo: `refunded ${order.refundedMinor} → ${next}`,
  });
  // Leaves the OLTP database through the transactional outbox, committed with the refund.
  await recordPlatformEvent(tx, refundEvent(order, next - order.refundedMinor, full));
  const revoked = full
    ? await revokeForRefund(tx, { userId: order.userId, courseId: order.courseId })
    : false;
  return { changed: true, revoked, order: updated! };
}

/** Sum of the order's refunds that went through. */
export async function succeededSum(tx: RefundTx, orderId: string): Promise<number> {
  const r = await tx.execute<{ n: number }>(
    sql`SELECT coalesce(sum(amount_minor), 0)::int AS n FROM refunds WHERE order_id = ${orderId} AND status = 'succeeded'`,
  );
  return r.rows[0]?.n ?? 0;
}

/**
 * The gateway says the payment's refunded amount is now `amountRefundedMinor` (Stripe's charge.refunded: the
 * charge's cumulative amount_refunded, with the ids of its refunds). Called by the payments core's webhook handling
 * inside its transaction. Refunds this server asked for are marked succeeded; those it did not know of (made in the
 * gateway's dashboard) are recorded as the gateway's. Idempotent and order-independent: a repeated or older event
 * changes nothing.
 */
export async function applyGatewayRefund(
  tx: RefundTx,
  args: {
    paymentIntentId: string;
    amountRefundedMinor: number;
    refundIds: string[];
    /** Amounts per refund id, when the event lists them. */
    refunds?: { id: string; amountMinor: number }[];
  },
): Promise<RefundSettled | null> {
  const [order] = await tx
    .select()
    .from(orders)
    .where(eq(orders.paymentIntentId, args.paymentIntentId))
    .for('update');
  if (!order || !(REFUNDABLE as readonly string[]).includes(order.status)) return null;
  const ids = [...new Set(args.refundIds)];
  if (ids.length) {
    await tx
      .update(refunds)
      .set({ status: 'succeeded', updatedAt: sql`now()` })
      .where(and(inArray(refunds.gatewayRefundId, ids), eq(refunds.status, 'pending')));
    const known = await tx
      .select({ id: refunds.gatewayRefundId })
      .from(refunds)
      .where(inArray(refunds.gatewayRefundId, ids));
    const knownIds = new Set(known.map((k) => k.id));
    const unknown = ids.filter((id) => !knownIds.has(id));
    let left = Math.max(
      0,
      Math.min(order.amountMinor, args.amountRefundedMinor) - (await succeededSum(tx, order.id)),
    );
    for (const id of unknown) {
      const listed = args.refunds?.find((r) => r.id === id)?.amountMinor;
      const amount = Math.min(left, listed ?? left);
      left -= amount;
      await tx
        .insert(refunds)
        .values({
          id: newId(),
          orderId: order.id,
          amountMinor: amount,
          currency: order.currency,
          reason: 'Refunded at the payment gateway',
          status: 'succeeded',
          requestedAs: 'gateway',
          gatewayRefundId: id,
        })
        .onConflictDoNothing({ target: refunds.gatewayRefundId });
    }
  }
  return settleRefund(tx, order, Math.max(args.amountRefundedMinor, await succeededSum(tx, order.id)));
}
