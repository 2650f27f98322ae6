import { eq } from 'drizzle-orm';
import { z } from 'zod';
import {
  StripeCharge,
  StripeCheckoutSession,
  StripePaymentIntent,
  type StripeEvent,
  type WebhookAck,
} from '@lyceum/contracts';
import type { PaymentGateway } from './gateway/port.ts';
import { fulfilBatch, type AutoRefund, type BatchFacts, type TxClient } from './fulfilment-batch.ts';
import { closeOrder, lockOrder, noteDecline, type PaymentsTx } from './fulfilment.ts';
import type { PaymentInbox } from './inbox.ts';
import { orders } from './tables.ts';

/** Payment offers' refund handling (payments/refunds): order refunded / partially_refunded, enrollment, ledger. */
export type ApplyGatewayRefund = (
  tx: PaymentsTx,
  args: {
    paymentIntentId: string;
    amountRefundedMinor: number;
    refundIds: string[];
    refunds?: { id: string; amountMinor: number }[];
  },
) => Promise<unknown>;

/** The connection of the worker's transaction, as drizzle and as pg (the set-based statements). */
export interface ApplyContext {
  tx: PaymentsTx;
  client: TxClient;
}

export interface EventHandlerDeps {
  gateway: 'sandbox' | 'stripe';
  /** Null until payment offers provides it: charge.refunded is then recorded but not applied. */
  applyGatewayRefund: ApplyGatewayRefund | null;
  /** Payment offers: give a coupon redemption back when its order closes unpaid. */
  releaseCoupon: ((tx: PaymentsTx, orderId: string) => Promise<unknown>) | null;
}

const Uuid = z.uuid();
const orderIdOf = (ref: string | null | undefined, metadata: Record<string, string> | null | undefined) => {
  for (const v of [ref, metadata?.order_id]) if (v && Uuid.safeParse(v).success) return v;
  return null;
};

/** What applying one event did (the worker records the outcome and acts on the rest after its commit). */
export interface Handled {
  outcome: string;
  orderId: string | null;
  enrollmentChanged: boolean;
  /** Orders this event marked paid (their receipts). */
  paid?: string[];
  autoRefunds?: AutoRefund[];
}

/** How the worker applies an event: many payments together (set-based), the rest one by one, or nothing to do. */
export type Classified =
  { kind: 'paid'; facts: BatchFacts } | { kind: 'one' } | { kind: 'done'; outcome: string };

const PAID_TYPES = new Set(['checkout.session.completed', 'checkout.session.async_payment_succeeded']);
const HANDLED_TYPES = new Set([
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'payment_intent.payment_failed',
  'charge.refunded',
]);

/** Sort an event: a completed payment goes to the set-based fulfilment (fulfilment-batch.ts). */
export function classifyEvent(event: StripeEvent, gateway: 'sandbox' | 'stripe'): Classified {
  if (PAID_TYPES.has(event.type)) {
    const s = StripeCheckoutSession.safeParse(event.data.object);
    if (!s.success) return { kind: 'done', outcome: 'unreadable' };
    // An async method (bank transfer): the payment intent is remembered, the money arrives later.
    if (s.data.payment_status !== 'paid' || !s.data.payment_intent) return { kind: 'one' };
    return {
      kind: 'paid',
      facts: {
        eventId: event.id,
        orderId: orderIdOf(s.data.client_reference_id, s.data.metadata),
        paymentIntentId: s.data.payment_intent,
        amountMinor: (s.data.amount_total ?? -1) - (s.data.total_details?.amount_tax ?? 0),
        currency: (s.data.currency ?? '').toUpperCase(),
        gateway,
      },
    };
  }
  return HANDLED_TYPES.has(event.type) ? { kind: 'one' } : { kind: 'done', outcome: 'ignored' };
}

/**
 * Applying the events that are not completed payments, one at a time, in the worker's transaction: an async payment
 * awaited, failed or expired sessions, declines, and refunds (also those that overtook their payment's event).
 * Applying is idempotent by state, so an event applied again changes nothing.
 */
export function eventHandlers(deps: EventHandlerDeps) {
  async function onSessionAwaiting(ctx: ApplyContext, obj: unknown): Promise<Handled> {
    const s = StripeCheckoutSession.safeParse(obj);
    if (!s.success) return { outcome: 'unreadable', orderId: null, enrollmentChanged: false };
    const orderId = orderIdOf(s.data.client_reference_id, s.data.metadata);
    if (orderId && s.data.payment_intent)
      await ctx.tx
        .update(orders)
        .set({ paymentIntentId: s.data.payment_intent })
        .where(eq(orders.id, orderId));
    return { outcome: 'awaiting_payment', orderId, enrollmentChanged: false };
  }

  async function onSessionClosed(
    ctx: ApplyContext,
    obj: unknown,
    status: 'failed' | 'expired',
  ): Promise<Handled> {
    const s = StripeCheckoutSession.safeParse(obj);
    if (!s.success) return { outcome: 'unreadable', orderId: null, enrollmentChanged: false };
    const orderId = orderIdOf(s.data.client_reference_id, s.data.metadata);
    if (!orderId) return { outcome: 'unknown_order', orderId: null, enrollmentChanged: false };
    const closed = await closeOrder(ctx.tx, {
      orderId,
      status,
      ...(status === 'failed'
        ? { code: 'async_payment_failed', message: 'The payment did not arrive (the bank transfer failed).' }
        : {}),
    });
    if (closed?.couponId && deps.releaseCoupon) await deps.releaseCoupon(ctx.tx, orderId);
    return { outcome: closed ? status : 'ignored', orderId, enrollmentChanged: false };
  }

  async function onPaymentFailed(ctx: ApplyContext, obj: unknown): Promise<Handled> {
    const pi = StripePaymentIntent.safeParse(obj);
    if (!pi.success) return { outcome: 'unreadable', orderId: null, enrollmentChanged: false };
    const orderId = orderIdOf(null, pi.data.metadata);
    const err = pi.data.last_payment_error;
    const row = await noteDecline(ctx.tx, {
      orderId,
      paymentIntentId: pi.data.id,
      code: err?.decline_code ?? err?.code ?? 'payment_failed',
      message: err?.message ?? 'The payment failed.',
    });
    return { outcome: row ? 'declined' : 'ignored', orderId, enrollmentChanged: false };
  }

  async function onChargeRefunded(ctx: ApplyContext, eventId: string, obj: unknown): Promise<Handled> {
    const c = StripeCharge.safeParse(obj);
    if (!c.success || !c.data.payment_intent)
      return { outcome: 'unreadable', orderId: null, enrollmentChanged: false };
    const charge = c.data;
    const pi = charge.payment_intent!;
    const meta = (obj as { metadata?: Record<string, string> | null }).metadata;
    const order = await lockOrder(ctx.tx, orderIdOf(null, meta), pi);
    if (!order) return { outcome: 'unknown_order', orderId: null, enrollmentChanged: false };
    let paid: string[] = [];
    if (order.status === 'pending' || order.status === 'failed' || order.status === 'expired') {
      // The refund overtook the payment's own event: the payment happened, so record it first.
      const r = await fulfilBatch(
        ctx.client,
        [
          {
            eventId,
            orderId: order.id,
            paymentIntentId: pi,
            amountMinor: charge.amount,
            currency: charge.currency.toUpperCase(),
            gateway: deps.gateway,
          },
        ],
        { autoRefund: false },
      );
      const outcome = r.outcomes.get(eventId)?.outcome ?? 'unknown_order';
      if (outcome !== 'fulfilled') return { outcome, orderId: order.id, enrollmentChanged: false };
      paid = r.paid;
    }
    // Payment offers' refunds/ applies it (order status, enrollment, ledger).
    if (!deps.applyGatewayRefund)
      return { outcome: 'refund_not_applied', orderId: order.id, enrollmentChanged: paid.length > 0, paid };
    await deps.applyGatewayRefund(ctx.tx, {
      paymentIntentId: pi,
      amountRefundedMinor: charge.amount_refunded,
      refundIds: charge.refunds?.data.map((r) => r.id) ?? [],
      refunds: charge.refunds?.data.map((r) => ({ id: r.id, amountMinor: r.amount })),
    });
    return { outcome: 'refunded', orderId: order.id, enrollmentChanged: true, paid };
  }

  return {
    apply(ctx: ApplyContext, event: StripeEvent): Promise<Handled> | Handled {
      const obj = event.data.object;
      switch (event.type) {
        case 'checkout.session.completed':
        case 'checkout.session.async_payment_succeeded':
          return onSessionAwaiting(ctx, obj);
        case 'checkout.session.async_payment_failed':
          return onSessionClosed(ctx, obj, 'failed');
        case 'checkout.session.expired':
          return onSessionClosed(ctx, obj, 'expired');
        case 'payment_intent.payment_failed':
          return onPaymentFailed(ctx, obj);
        case 'charge.refunded':
          return onChargeRefunded(ctx, event.id, obj);
        default:
          return { outcome: 'ignored', orderId: null, enrollmentChanged: false };
      }
    },
  };
}
export type EventHandlers = ReturnType<typeof eventHandlers>;

/**
 * `POST /payments/webhook`: verify the signature against the raw body (a bad or stale one is 400 and records
 * nothing), record the event in the inbox under its id (a repeat finds it there) and answer 200. The fulfilment
 * worker applies it (fulfilment-worker.ts): an acknowledged event is applied even if this process dies right after.
 */
export function webhookHandler(deps: { gateway: PaymentGateway; inbox: PaymentInbox }) {
  return {
    async handle(rawBody: Buffer, signatureHeader: string | undefined): Promise<WebhookAck> {
      const event = deps.gateway.verifyWebhook(rawBody, signatureHeader ?? '');
      const fresh = await deps.inbox.record({ event, rawBody });
      return { received: true, duplicate: !fresh };
    },
  };
}
export type WebhookHandler = ReturnType<typeof webhookHandler>;
