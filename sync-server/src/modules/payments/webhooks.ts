import { eq } from 'drizzle-orm';
import { z } from 'zod';
import {
  StripeCharge,
  StripeCheckoutSession,
  StripePaymentIntent,
  type StripeEvent,
  type WebhookAck,
} from '@lyceum/contracts';
import type { Logger } from 'pino';
import type { Db } from '../../db/client.ts';
import type { PaymentGateway } from './gateway/port.ts';
import { closeOrder, fulfilOrder, lockOrder, noteDecline, type PaymentsTx } from './fulfilment.ts';
import { gatewayEvents, orders } from './tables.ts';

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

export interface WebhookDeps {
  db: Db;
  gateway: PaymentGateway;
  logger: Logger;
  /** Null until payment offers provides it: charge.refunded is then recorded but not applied. */
  applyGatewayRefund: ApplyGatewayRefund | null;
  /** Payment offers: give a coupon redemption back when its order closes unpaid. */
  releaseCoupon: ((tx: PaymentsTx, orderId: string) => Promise<unknown>) | null;
  /** After a commit that changed enrollments: poke the students' devices. */
  onEnrollmentChanged: () => void;
  /** After the commit that marked an order paid (the receipt email). */
  onPaid?: (orderId: string) => Promise<unknown>;
}

const Uuid = z.uuid();
/** Thrown inside the transaction to roll it back when another delivery recorded the event first. */
const DUPLICATE = Symbol('duplicate webhook event');
const orderIdOf = (ref: string | null | undefined, metadata: Record<string, string> | null | undefined) => {
  for (const v of [ref, metadata?.order_id]) if (v && Uuid.safeParse(v).success) return v;
  return null;
};

interface Handled {
  outcome: string;
  orderId: string | null;
  enrollmentChanged: boolean;
  /** This event marked the order paid. */
  paid?: boolean;
}

/**
 * `POST /payments/webhook`: verify the signature against the raw body, then, in ONE transaction, record the event
 * under its id (a repeat finds it and changes nothing) and apply it. Unknown and unreadable events are recorded and
 * acknowledged (200), so the gateway stops sending them; a failure to apply rolls the record back too, so the
 * gateway's retry applies it later.
 */
export function webhookHandler(deps: WebhookDeps) {
  const { db } = deps;
  const gatewayName = deps.gateway.name;

  async function onSessionPaid(tx: PaymentsTx, obj: unknown): Promise<Handled> {
    const s = StripeCheckoutSession.safeParse(obj);
    if (!s.success) return { outcome: 'unreadable', orderId: null, enrollmentChanged: false };
    const orderId = orderIdOf(s.data.client_reference_id, s.data.metadata);
    if (s.data.payment_status !== 'paid' || !s.data.payment_intent) {
      // An async method (bank transfer): remember the payment intent; the money arrives later.
      if (orderId && s.data.payment_intent)
        await tx.update(orders).set({ paymentIntentId: s.data.payment_intent }).where(eq(orders.id, orderId));
      return { outcome: 'awaiting_payment', orderId, enrollmentChanged: false };
    }
    const r = await fulfilOrder(tx, {
      orderId,
      paymentIntentId: s.data.payment_intent,
      amountMinor: (s.data.amount_total ?? -1) - (s.data.total_details?.amount_tax ?? 0),
      currency: (s.data.currency ?? '').toUpperCase(),
      gateway: gatewayName,
    });
    return {
      outcome: r.outcome,
      orderId: r.order?.id ?? orderId,
      enrollmentChanged: r.outcome === 'fulfilled',
    };
  }

  async function onSessionClosed(
    tx: PaymentsTx,
    obj: unknown,
    status: 'failed' | 'expired',
  ): Promise<Handled> {
    const s = StripeCheckoutSession.safeParse(obj);
    if (!s.success) return { outcome: 'unreadable', orderId: null, enrollmentChanged: false };
    const orderId = orderIdOf(s.data.client_reference_id, s.data.metadata);
    if (!orderId) return { outcome: 'unknown_order', orderId: null, enrollmentChanged: false };
    const closed = await closeOrder(tx, {
      orderId,
      status,
      ...(status === 'failed'
        ? { code: 'async_payment_failed', message: 'The payment did not arrive (the bank transfer failed).' }
        : {}),
    });
    if (closed?.couponId && deps.releaseCoupon) await deps.releaseCoupon(tx, orderId);
    return { outcome: closed ? status : 'ignored', orderId, enrollmentChanged: false };
  }

  async function onPaymentFailed(tx: PaymentsTx, obj: unknown): Promise<Handled> {
    const pi = StripePaymentIntent.safeParse(obj);
    if (!pi.success) return { outcome: 'unreadable', orderId: null, enrollmentChanged: false };
    const orderId = orderIdOf(null, pi.data.metadata);
    const err = pi.data.last_payment_error;
    const row = await noteDecline(tx, {
      orderId,
      paymentIntentId: pi.data.id,
      code: err?.decline_code ?? err?.code ?? 'payment_failed',
      message: err?.message ?? 'The payment failed.',
    });
    return { outcome: row ? 'declined' : 'ignored', orderId, enrollmentChanged: false };
  }

  async function onChargeRefunded(tx: PaymentsTx, obj: unknown): Promise<Handled> {
    const c = StripeCharge.safeParse(obj);
    if (!c.success || !c.data.payment_intent)
      return { outcome: 'unreadable', orderId: null, enrollmentChanged: false };
    const charge = c.data;
    const meta = (obj as { metadata?: Record<string, string> | null }).metadata;
    const order = await lockOrder(tx, orderIdOf(null, meta), charge.payment_intent);
    if (!order) return { outcome: 'unknown_order', orderId: null, enrollmentChanged: false };
    let changed = false;
    if (order.status === 'pending' || order.status === 'failed' || order.status === 'expired') {
      // The refund overtook the payment's own event: the payment happened, so record it first.
      const r = await fulfilOrder(tx, {
        orderId: order.id,
        paymentIntentId: charge.payment_intent!,
        amountMinor: charge.amount,
        currency: charge.currency.toUpperCase(),
        gateway: gatewayName,
      });
      if (r.outcome !== 'fulfilled')
        return { outcome: r.outcome, orderId: order.id, enrollmentChanged: false };
      changed = true;
    }
    // Payment offers' refunds/ applies it (order status, enrollment, ledger).
    if (!deps.applyGatewayRefund)
      return { outcome: 'refund_not_applied', orderId: order.id, enrollmentChanged: changed };
    await deps.applyGatewayRefund(tx, {
      paymentIntentId: charge.payment_intent!,
      amountRefundedMinor: charge.amount_refunded,
      refundIds: charge.refunds?.data.map((r) => r.id) ?? [],
      refunds: charge.refunds?.data.map((r) => ({ id: r.id, amountMinor: r.amount })),
    });
    return { outcome: 'refunded', orderId: order.id, enrollmentChanged: true, paid: changed };
  }

  function dispatch(tx: PaymentsTx, event: StripeEvent): Promise<Handled> | Handled {
    const obj = event.data.object;
    switch (event.type) {
      case 'checkout.session.completed':
      case 'checkout.session.async_payment_succeeded':
        return onSessionPaid(tx, obj);
      case 'checkout.session.async_payment_failed':
        return onSessionClosed(tx, obj, 'failed');
      case 'checkout.session.expired':
        return onSessionClosed(tx, obj, 'expired');
      case 'payment_intent.payment_failed':
        return onPaymentFailed(tx, obj);
      case 'charge.refunded':
        return onChargeRefunded(tx, obj);
      default:
        return { outcome: 'ignored', orderId: null, enrollmentChanged: false };
    }
  }

  const inFlight = new Map<string, Promise<WebhookAck>>();
  return {
    async handle(rawBody: Buffer, signatureHeader: string | undefined): Promise<WebhookAck> {
      const event = deps.gateway.verifyWebhook(rawBody, signatureHeader ?? '');
      // A copy of an event this node is applying right now waits here, without holding a connection, and then
      // finds it recorded (other nodes' copies wait on the database's locks instead).
      for (let running = inFlight.get(event.id); running; running = inFlight.get(event.id))
        await running.catch(() => {});
      const work = apply(event);
      inFlight.set(event.id, work);
      try {
        return await work;
      } finally {
        if (inFlight.get(event.id) === work) inFlight.delete(event.id);
      }
    },
  };

  async function apply(event: StripeEvent): Promise<WebhookAck> {
    // A repeat of an event already applied: one read, no transaction.
    const known = await db
      .select({ id: gatewayEvents.id })
      .from(gatewayEvents)
      .where(eq(gatewayEvents.id, event.id));
    if (known.length) return { received: true, duplicate: true };
    // Apply, then record the event under its id in the same transaction. Applying is idempotent by state (an
    // order paid once is not paid again), so a copy delivered at the same moment applies nothing, finds the
    // event recorded (its INSERT waits for the first copy's commit) and rolls back.
    const r = await db
      .transaction(async (tx) => {
        const handled = await dispatch(tx, event);
        const fresh = await tx
          .insert(gatewayEvents)
          .values({
            id: event.id,
            gateway: gatewayName,
            type: event.type,
            payload: event,
            outcome: handled.outcome,
            orderId: handled.orderId,
          })
          .onConflictDoNothing({ target: gatewayEvents.id })
          .returning({ id: gatewayEvents.id });
        if (fresh.length === 0) throw DUPLICATE;
        return handled;
      })
      .catch((err: unknown) => {
        if (err === DUPLICATE) return null;
        throw err;
      });
    if (r?.enrollmentChanged) deps.onEnrollmentChanged();
    if (r && r.orderId && (r.outcome === 'fulfilled' || r.paid) && deps.onPaid)
      deps
        .onPaid(r.orderId)
        .catch((err: unknown) =>
          deps.logger.warn({ err, orderId: r.orderId }, 'after-payment step (receipt) failed'),
        );
    if (r && r.outcome !== 'fulfilled' && r.outcome !== 'ignored')
      deps.logger.debug({ eventId: event.id, type: event.type, outcome: r.outcome }, 'payment webhook');
    return { received: true, duplicate: r === null };
  }
}
export type WebhookHandler = ReturnType<typeof webhookHandler>;
