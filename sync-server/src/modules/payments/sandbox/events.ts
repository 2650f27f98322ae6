import type { StripeEvent } from '@lyceum/contracts';
import { sandboxId, chargeIdOf } from './ids.ts';
import type { SandboxPaymentIntentRow, SandboxSessionRow } from '../tables.ts';

/** The Stripe API version whose event shapes the sandbox reproduces. */
export const SANDBOX_API_VERSION = '2025-10-29.clover';

const unix = (d: Date) => Math.floor(d.getTime() / 1000);

/** An event envelope as Stripe sends it (https://docs.stripe.com/api/events/object). */
export function stripeEvent(type: string, object: Record<string, unknown>): StripeEvent {
  const event = {
    id: sandboxId('evt'),
    object: 'event' as const,
    api_version: SANDBOX_API_VERSION,
    created: Math.floor(Date.now() / 1000),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
  return event;
}

/** A Checkout Session object in Stripe's format (the fields Stripe sends; currencies are lower-case there). */
export function sessionObject(s: SandboxSessionRow): Record<string, unknown> {
  return {
    id: s.id,
    object: 'checkout.session',
    mode: 'payment',
    livemode: false,
    status: s.status,
    payment_status: s.paymentStatus,
    amount_subtotal: s.amountMinor,
    amount_total: s.amountMinor,
    currency: s.currency.toLowerCase(),
    client_reference_id: s.orderId,
    customer_email: s.customerEmail,
    metadata: { order_id: s.orderId },
    payment_intent: s.paymentIntentId,
    success_url: s.successUrl,
    cancel_url: s.cancelUrl,
    created: unix(s.createdAt),
    expires_at: unix(s.expiresAt),
    url: null,
  };
}

/** A payment intent object, with the last error when the attempt failed. */
export function paymentIntentObject(
  pi: Pick<SandboxPaymentIntentRow, 'id' | 'amountMinor' | 'currency' | 'status' | 'orderId' | 'createdAt'>,
  error?: { code: string; declineCode?: string; message: string },
): Record<string, unknown> {
  return {
    id: pi.id,
    object: 'payment_intent',
    amount: pi.amountMinor,
    amount_received: pi.status === 'succeeded' ? pi.amountMinor : 0,
    currency: pi.currency.toLowerCase(),
    status: pi.status,
    livemode: false,
    created: unix(pi.createdAt),
    metadata: { order_id: pi.orderId },
    last_payment_error: error
      ? {
          type: 'card_error',
          code: error.code,
          decline_code: error.declineCode ?? null,
          message: error.message,
        }
      : null,
  };
}

/** A charge after a refund: `amount_refunded` is cumulative, `refunded` is true once fully refunded. */
export function chargeObject(
  pi: Pick<
    SandboxPaymentIntentRow,
    'id' | 'amountMinor' | 'currency' | 'orderId' | 'amountRefunded' | 'createdAt'
  >,
  refunds: { id: string; amount: number }[],
): Record<string, unknown> {
  return {
    id: chargeIdOf(pi.id),
    object: 'charge',
    amount: pi.amountMinor,
    amount_captured: pi.amountMinor,
    amount_refunded: pi.amountRefunded,
    captured: true,
    currency: pi.currency.toLowerCase(),
    livemode: false,
    paid: true,
    status: 'succeeded',
    payment_intent: pi.id,
    refunded: pi.amountRefunded >= pi.amountMinor,
    created: unix(pi.createdAt),
    metadata: { order_id: pi.orderId },
    refunds: {
      object: 'list',
      data: refunds.map((r) => ({ id: r.id, object: 'refund', amount: r.amount, status: 'succeeded' })),
    },
  };
}
