import type { GatewayPaymentRow, ReconciliationReport } from '@lyceum/contracts';
import type { PaymentGateway } from './gateway/port.ts';
import type { OrderReads } from './orders.ts';

type Flagged = ReconciliationReport['flagged'][number];

/**
 * A gateway payment in the order's terms. The gateway's amount is what the customer paid, tax included (Stripe
 * automatic tax adds it on top of the tax-exclusive price); an order's amount is the price net of tax. Refunds go to
 * the price first (an order's refunded amount never passes its amount); only a full refund gives the tax back too.
 */
export function netOfTax(p: Pick<GatewayPaymentRow, 'amountMinor' | 'refundedMinor' | 'taxMinor'>) {
  const amountMinor = p.amountMinor - (p.taxMinor ?? 0);
  return { amountMinor, refundedMinor: Math.min(p.refundedMinor, amountMinor) };
}

/**
 * Compare the gateway's payments with the orders: payments the gateway has that no order matches, paid orders the
 * gateway does not have, and both known with different amounts (currency, amount net of tax, refunded amount).
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
    const net = netOfTax(p);
    if (
      o.amountMinor !== net.amountMinor ||
      o.currency !== p.currency.toUpperCase() ||
      o.refundedMinor !== net.refundedMinor
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
