import { z } from 'zod';
import { Id, IsoDateTime, Text } from './common.ts';
import { Currency } from './catalog.ts';

// ---------- money and orders ----------

/** Money is integer minor units (cents) plus an ISO 4217 currency; never floats. */
export const MinorUnits = z.number().int().min(0).max(100_000_000);

export const OrderStatus = z.enum(['pending', 'paid', 'failed', 'expired', 'refunded', 'partially_refunded']);
export type OrderStatus = z.infer<typeof OrderStatus>;

/** Which gateway took the payment; `none` when a coupon made the course free. */
export const PaymentGatewayName = z.enum(['sandbox', 'stripe', 'none']);
export type PaymentGatewayName = z.infer<typeof PaymentGatewayName>;

/** A client names the course (in the path) and at most a code: the server computes every amount. */
export const CheckoutRequest = z
  .object({ couponCode: Text().trim().min(1).max(64).optional() })
  .strict()
  .meta({ id: 'CheckoutRequest' });
export type CheckoutRequest = z.infer<typeof CheckoutRequest>;

export const CheckoutResponse = z
  .object({
    orderId: Id,
    status: OrderStatus,
    /** The gateway's hosted page; null when nothing is left to pay (a 100 %-off coupon). */
    checkoutUrl: z.string().nullable(),
  })
  .meta({ id: 'CheckoutResponse' });
export type CheckoutResponse = z.infer<typeof CheckoutResponse>;

export const Order = z
  .object({
    id: Id,
    userId: Id,
    courseId: Id,
    courseTitle: z.string(),
    status: OrderStatus,
    /** What is charged, after any discount. */
    amountMinor: MinorUnits,
    /** The course's price when the order was made. */
    listAmountMinor: MinorUnits,
    currency: Currency,
    couponId: Id.nullable(),
    refundedMinor: MinorUnits,
    gateway: PaymentGatewayName,
    /** The hosted checkout page while the order is pending. */
    checkoutUrl: z.string().nullable(),
    /** Why the payment failed, in the gateway's words (e.g. card_declined / "Your card was declined."). */
    failureCode: z.string().nullable(),
    failureMessage: z.string().nullable(),
    createdAt: IsoDateTime,
    paidAt: IsoDateTime.nullable(),
  })
  .meta({ id: 'Order' });
export type Order = z.infer<typeof Order>;

export const OrderList = z.object({ items: z.array(Order) }).meta({ id: 'OrderList' });
export type OrderList = z.infer<typeof OrderList>;

// ---------- reconciliation ----------

export const ReconciliationQuery = z
  .object({
    /** Look at payments since this instant (default: 30 days ago). */
    since: IsoDateTime.optional(),
  })
  .strict();

export const GatewayPaymentRow = z.object({
  paymentIntentId: z.string(),
  /** What the customer paid, tax included. */
  amountMinor: z.number().int(),
  /** The tax inside amountMinor (Stripe automatic tax); absent when the gateway added none. */
  taxMinor: z.number().int().optional(),
  currency: z.string(),
  orderId: z.string().nullable(),
  status: z.string(),
  refundedMinor: z.number().int(),
});
export type GatewayPaymentRow = z.infer<typeof GatewayPaymentRow>;

export const ReconciliationFlag = z.enum([
  /** The gateway took money that no order records. */
  'gateway_payment_without_order',
  /** An order is paid (or refunded) here but the gateway has no such payment. */
  'paid_order_missing_at_gateway',
  /** Both sides know the payment but the amount, currency or refunded amount differ. */
  'amount_mismatch',
]);

export const ReconciliationReport = z
  .object({
    gateway: PaymentGatewayName,
    since: IsoDateTime,
    checkedAt: IsoDateTime,
    matched: z.number().int(),
    flagged: z.array(
      z.object({
        flag: ReconciliationFlag,
        orderId: z.string().nullable(),
        paymentIntentId: z.string().nullable(),
        gateway: GatewayPaymentRow.nullable(),
        order: z
          .object({
            amountMinor: z.number().int(),
            refundedMinor: z.number().int(),
            currency: z.string(),
            status: OrderStatus,
          })
          .nullable(),
      }),
    ),
  })
  .meta({ id: 'ReconciliationReport' });
export type ReconciliationReport = z.infer<typeof ReconciliationReport>;

// ---------- the subset of Stripe's event format the webhook reads ----------

/** A Stripe event envelope (https://docs.stripe.com/api/events/object); `data.object` is read per type. */
export const StripeEvent = z.object({
  id: z.string().min(1).max(255),
  object: z.literal('event'),
  type: z.string().min(1).max(255),
  created: z.number().int(),
  livemode: z.boolean(),
  api_version: z.string().nullable().optional(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});
export type StripeEvent = z.infer<typeof StripeEvent>;

export const StripeCheckoutSession = z.object({
  id: z.string(),
  object: z.literal('checkout.session'),
  status: z.enum(['open', 'complete', 'expired']).nullable(),
  payment_status: z.enum(['paid', 'unpaid', 'no_payment_required']),
  amount_total: z.number().int().nullable(),
  /** With Stripe automatic tax the total adds the tax (prices are tax-exclusive). */
  total_details: z.object({ amount_tax: z.number().int().optional() }).nullable().optional(),
  currency: z.string().nullable(),
  client_reference_id: z.string().nullable(),
  metadata: z.record(z.string(), z.string()).nullable(),
  payment_intent: z.string().nullable(),
});
export type StripeCheckoutSession = z.infer<typeof StripeCheckoutSession>;

export const StripeCharge = z.object({
  id: z.string(),
  object: z.literal('charge'),
  amount: z.number().int(),
  amount_refunded: z.number().int(),
  currency: z.string(),
  payment_intent: z.string().nullable(),
  refunded: z.boolean(),
  refunds: z
    .object({ data: z.array(z.object({ id: z.string(), amount: z.number().int() })) })
    .nullable()
    .optional(),
});
export type StripeCharge = z.infer<typeof StripeCharge>;

/** The payment intent of a failed attempt, for the decline reason (payment_intent.payment_failed). */
export const StripePaymentIntent = z.object({
  id: z.string(),
  object: z.literal('payment_intent'),
  amount: z.number().int(),
  currency: z.string(),
  status: z.string(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  last_payment_error: z
    .object({
      code: z.string().nullable().optional(),
      decline_code: z.string().nullable().optional(),
      message: z.string().nullable().optional(),
    })
    .nullable()
    .optional(),
});
export type StripePaymentIntent = z.infer<typeof StripePaymentIntent>;

export const WebhookAck = z.object({ received: z.literal(true), duplicate: z.boolean() });
export type WebhookAck = z.infer<typeof WebhookAck>;

// ---------- the sandbox gateway ----------

export const SandboxSessionParams = z.object({ id: Text().regex(/^cs_test_[A-Za-z0-9]{8,64}$/) }).strict();

/** A card (Stripe's test numbers) or a bank transfer; form posts send every field as text. */
export const SandboxPayRequest = z.union([
  z
    .object({
      method: z.literal('card').optional(),
      card: Text()
        .transform((s) => s.replace(/[\s-]/g, ''))
        .pipe(z.string().regex(/^\d{12,19}$/, 'A card number is 12 to 19 digits')),
      expMonth: z.coerce.number().int().min(1).max(12),
      expYear: z.coerce.number().int().min(2000).max(2100),
      cvc: Text().regex(/^\d{3,4}$/, 'The security code is 3 or 4 digits'),
    })
    .strict(),
  z.object({ method: z.literal('bank_transfer') }).strict(),
]);
export type SandboxPayRequest = z.infer<typeof SandboxPayRequest>;

export const SandboxPayResult = z
  .object({
    status: z.enum(['succeeded', 'processing', 'requires_action', 'failed']),
    /** When status is requires_action: the confirmation step's page. */
    nextUrl: z.string().nullable(),
    /** Where the student goes now (the success or the checkout page). */
    redirectUrl: z.string().nullable(),
    failureCode: z.string().nullable(),
    failureMessage: z.string().nullable(),
  })
  .meta({ id: 'SandboxPayResult' });
export type SandboxPayResult = z.infer<typeof SandboxPayResult>;

export const SandboxConfirmRequest = z
  .object({ outcome: z.enum(['complete', 'fail']).default('complete') })
  .strict();
