import Stripe from 'stripe';
import { ApiError } from '../../../http/errors.ts';
import type { GatewayPayment, PaymentGateway } from './port.ts';
import { verifyStripeWebhook } from './signature.ts';

export interface StripeGatewayOptions {
  secretKey: string;
  webhookSecret: string;
  /** STRIPE_AUTOMATIC_TAX=on: Stripe computes and adds tax (prices are tax-exclusive). */
  automaticTax: boolean;
  /** Another Stripe API address (e.g. http://127.0.0.1:12111 for stripe-mock or a test double); default Stripe's. */
  apiBase?: string;
}

/** A Stripe API failure is the gateway's, not the caller's: 502 gateway_unavailable with Stripe's message. */
function gatewayError(err: unknown): never {
  if (err instanceof ApiError) throw err;
  const e = err as { message?: string; code?: string; type?: string };
  throw new ApiError('gateway_unavailable', `Stripe: ${e.message ?? 'request failed'}`, {
    type: e.type ?? null,
    code: e.code ?? null,
  });
}

/**
 * The Stripe adapter (official SDK): Checkout Sessions (hosted page, PCI SAQ A) with the payment methods the
 * account enables (no payment_method_types: Stripe's dynamic payment methods), an idempotency key on every create,
 * automatic tax when configured, refunds, and the payment list for reconciliation.
 */
export function stripeGateway(opts: StripeGatewayOptions): PaymentGateway {
  const api = opts.apiBase ? new URL(opts.apiBase) : null;
  const stripe = new Stripe(opts.secretKey, {
    ...(api
      ? {
          host: api.hostname,
          port: Number(api.port) || (api.protocol === 'https:' ? 443 : 80),
          protocol: api.protocol === 'https:' ? ('https' as const) : ('http' as const),
        }
      : {}),
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: 'Lyceum' },
  });
  return {
    name: 'stripe',

    async createCheckout(input) {
      try {
        const s = await stripe.checkout.sessions.create(
          {
            mode: 'payment',
            client_reference_id: input.orderId,
            ...(input.customerEmail ? { customer_email: input.customerEmail } : {}),
            success_url: input.successUrl,
            cancel_url: input.cancelUrl,
            line_items: [
              {
                quantity: 1,
                price_data: {
                  currency: input.currency.toLowerCase(),
                  unit_amount: input.amountMinor,
                  product_data: { name: input.description.slice(0, 250) || 'Course' },
                  ...(opts.automaticTax ? { tax_behavior: 'exclusive' as const } : {}),
                },
              },
            ],
            metadata: { order_id: input.orderId },
            payment_intent_data: { metadata: { order_id: input.orderId } },
            ...(opts.automaticTax
              ? { automatic_tax: { enabled: true }, billing_address_collection: 'required' as const }
              : {}),
          },
          { idempotencyKey: input.idempotencyKey },
        );
        if (!s.url) throw new ApiError('gateway_unavailable', 'Stripe answered a session without a URL');
        return { sessionId: s.id, checkoutUrl: s.url };
      } catch (err) {
        return gatewayError(err);
      }
    },

    async refund(input) {
      try {
        const r = await stripe.refunds.create(
          {
            payment_intent: input.paymentIntentId,
            amount: input.amountMinor,
            reason: 'requested_by_customer',
            metadata: { reason: input.reason.slice(0, 500) },
          },
          { idempotencyKey: input.idempotencyKey },
        );
        const status =
          r.status === 'succeeded'
            ? 'succeeded'
            : r.status === 'failed' || r.status === 'canceled'
              ? 'failed'
              : 'pending';
        return { refundId: r.id, status };
      } catch (err) {
        return gatewayError(err);
      }
    },

    verifyWebhook(rawBody, signatureHeader) {
      return verifyStripeWebhook(rawBody, signatureHeader, opts.webhookSecret);
    },

    async listPayments({ since }) {
      const out: GatewayPayment[] = [];
      try {
        // The tax Stripe added is on the Checkout Session, not the payment intent: amount_received includes it.
        const taxOf = new Map<string, number>();
        for await (const s of stripe.checkout.sessions.list({
          created: { gte: Math.floor(since.getTime() / 1000) - 86_400 },
          status: 'complete',
          limit: 100,
        })) {
          const pi = typeof s.payment_intent === 'string' ? s.payment_intent : s.payment_intent?.id;
          const tax = s.total_details?.amount_tax ?? 0;
          if (pi && tax > 0) taxOf.set(pi, tax);
        }
        for await (const pi of stripe.paymentIntents.list({
          created: { gte: Math.floor(since.getTime() / 1000) },
          limit: 100,
          expand: ['data.latest_charge'],
        })) {
          if (pi.status !== 'succeeded') continue;
          const charge = typeof pi.latest_charge === 'object' ? pi.latest_charge : null;
          const refunded = charge?.amount_refunded ?? 0;
          out.push({
            paymentIntentId: pi.id,
            amountMinor: pi.amount_received,
            ...(taxOf.has(pi.id) ? { taxMinor: taxOf.get(pi.id) } : {}),
            currency: pi.currency.toUpperCase(),
            orderId: pi.metadata?.order_id ?? null,
            status: refunded >= pi.amount_received && refunded > 0 ? 'refunded' : 'succeeded',
            refundedMinor: refunded,
          });
        }
      } catch (err) {
        return gatewayError(err);
      }
      return out;
    },
  };
}
