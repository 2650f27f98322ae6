import type { GatewayPaymentRow, StripeEvent } from '@lyceum/contracts';

/** What checkout asks a gateway for: a hosted page where the student pays `amountMinor` for the order. */
export interface CreateCheckoutInput {
  orderId: string;
  amountMinor: number;
  currency: string;
  /** Shown on the hosted page (the course's title). */
  description: string;
  customerEmail: string | null;
  successUrl: string;
  cancelUrl: string;
  /** The same key answers the same session (Stripe's Idempotency-Key). */
  idempotencyKey: string;
}

export interface CheckoutSession {
  sessionId: string;
  checkoutUrl: string;
}

export interface RefundInput {
  paymentIntentId: string;
  amountMinor: number;
  idempotencyKey: string;
  reason: string;
}

export interface RefundResult {
  refundId: string;
  status: 'succeeded' | 'pending' | 'failed';
}

/** A payment as the gateway knows it (for reconciliation). */
export type GatewayPayment = GatewayPaymentRow;

/**
 * The payment gateway port (issue 13): Stripe and the in-process sandbox implement it, and one contract suite
 * (gateway/contract.test.ts) runs against both. Webhooks use Stripe's event format and signature for both.
 */
export interface PaymentGateway {
  readonly name: 'sandbox' | 'stripe';
  createCheckout(input: CreateCheckoutInput): Promise<CheckoutSession>;
  refund(input: RefundInput): Promise<RefundResult>;
  /** Verify the Stripe-Signature header against the raw body (with tolerance); throws ApiError('webhook_signature_invalid'). */
  verifyWebhook(rawBody: Buffer, signatureHeader: string): StripeEvent;
  /** Successful payments created since the given instant (refunded ones included). */
  listPayments(opts: { since: Date }): Promise<GatewayPayment[]>;
}
