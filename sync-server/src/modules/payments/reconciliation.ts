import type { ReconciliationReport } from '@lyceum/contracts';
import type { PaymentGateway } from './gateway/port.ts';
import type { OrderReads } from './orders.ts';

type Flagged = ReconciliationReport['flagged'][number];

/**
 * Compare the gateway's payments with the orders: payments the gateway has that no order matches, paid orders the
 * gateway does not have, and both known with different amounts (currency, amount, refunded amount).
 */
export async function reconcile(
  gateway: PaymentGateway,
  orders: OrderReads,
  since: Date,
): Promise<ReconciliationReport> {
  const [payments, paid] = await Promise.all([gateway.listPayments({ since }), orders.paidSince(since)]);
  const byIntent = new Map(paid.filter((o) => o.paymentIntentId).map((o) => [o.paymentIntentId!, o]));
  const seen = new Set<string>();
  const flagged: Flagged[] = [];
  let matched = 0;
  const orderView = (o: (typeof paid)[number]) => ({
    amountMinor: o.amountMinor,
    refundedMinor: o.refundedMinor,
    currency: o.currency,
    status: o.status,
  });
  for (const p of payments) {
    const o = byIntent.get(p.paymentIntentId);
    if (!o) {
      flagged.push({
        flag: 'gateway_payment_without_order',
        orderId: p.orderId,
        paymentIntentId: p.paymentIntentId,
        gateway: p,
        order: null,
      });
      continue;
    }
    seen.add(o.id);
    if (
      o.amountMinor !== p.amountMinor ||
      o.currency !== p.currency.toUpperCase() ||
      o.refundedMinor !== p.refundedMinor
    )
      flagged.push({
        flag: 'amount_mismatch',
        orderId: o.id,
        paymentIntentId: p.paymentIntentId,
        gateway: p,
        order: orderView(o),
      });
    else matched++;
  }
  for (const o of paid) {
    if (seen.has(o.id) || o.gateway !== gateway.name) continue;
    flagged.push({
      flag: 'paid_order_missing_at_gateway',
      orderId: o.id,
      paymentIntentId: o.paymentIntentId,
      gateway: null,
      order: orderView(o),
    });
  }
  return {
    gateway: gateway.name,
    since: since.toISOString(),
    checkedAt: new Date().toISOString(),
    matched,
    flagged,
  };
}
