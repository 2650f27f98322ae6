import { and, eq, gte, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { ApiError } from '../../../http/errors.ts';
import type { GatewayPayment, PaymentGateway } from '../gateway/port.ts';
import { verifyStripeWebhook } from '../gateway/signature.ts';
import { sandboxPaymentIntents, sandboxRefunds, sandboxSessions } from '../tables.ts';
import { chargeObject, stripeEvent } from './events.ts';
import { sandboxId } from './ids.ts';
import type { WebhookDelivery } from './delivery.ts';

/** How long a sandbox checkout session stays open (Stripe's default is 24 h). */
const SESSION_TTL_MS = 24 * 3_600_000;

export interface SandboxGatewayDeps {
  db: Db;
  /** Base URL of this server as the student's browser reaches it (for the hosted page). */
  publicUrl: () => string;
  webhookSecret: string;
  delivery: WebhookDelivery;
}

/**
 * The sandbox payment gateway: Stripe test mode inside the server, no network. Sessions, payment intents and
 * refunds are rows (sandbox_* tables); payments happen on the hosted page (sandbox/routes.ts) and every outcome is
 * announced by signed Stripe-format webhooks, so fulfilment has one code path for both gateways.
 */
export function sandboxGateway(deps: SandboxGatewayDeps): PaymentGateway {
  const { db } = deps;
  return {
    name: 'sandbox',

    async createCheckout(input) {
      if (!Number.isInteger(input.amountMinor) || input.amountMinor <= 0)
        throw new ApiError('validation_failed', 'A checkout needs a positive amount');
      const id = sandboxId('cs_test');
      const [row] = await db
        .insert(sandboxSessions)
        .values({
          id,
          idempotencyKey: input.idempotencyKey,
          orderId: input.orderId,
          amountMinor: input.amountMinor,
          currency: input.currency,
          description: input.description,
          customerEmail: input.customerEmail,
          successUrl: input.successUrl,
          cancelUrl: input.cancelUrl,
          status: 'open',
          paymentStatus: 'unpaid',
          expiresAt: new Date(Date.now() + SESSION_TTL_MS),
        })
        .onConflictDoNothing({ target: sandboxSessions.idempotencyKey })
        .returning();
      // The same idempotency key answers the session it created (Stripe replays the first response).
      const session =
        row ??
        (
          await db
            .select()
            .from(sandboxSessions)
            .where(eq(sandboxSessions.idempotencyKey, input.idempotencyKey))
        )[0];
      if (!session) throw new ApiError('gateway_unavailable', 'The sandbox could not create the session');
      if (session.orderId !== input.orderId || session.amountMinor !== input.amountMinor)
        throw new ApiError('idempotency_conflict', 'This idempotency key was used for another checkout');
      return {
        sessionId: session.id,
        checkoutUrl: `${deps.publicUrl()}/sandbox/checkout/sessions/${session.id}`,
      };
    },

    async refund(input) {
      if (!Number.isInteger(input.amountMinor) || input.amountMinor <= 0)
        throw new ApiError('validation_failed', 'A refund needs a positive amount');
      const result = await db.transaction(async (tx) => {
        const [prior] = await tx
          .select()
          .from(sandboxRefunds)
          .where(eq(sandboxRefunds.idempotencyKey, input.idempotencyKey));
        if (prior) return { refundId: prior.id, event: null };
        const [pi] = await tx
          .select()
          .from(sandboxPaymentIntents)
          .where(eq(sandboxPaymentIntents.id, input.paymentIntentId))
          .for('update');
        if (!pi || pi.status !== 'succeeded')
          throw new ApiError('not_found', 'No succeeded payment with this id at the sandbox gateway');
        if (pi.amountRefunded + input.amountMinor > pi.amountMinor)
          throw new ApiError('validation_failed', 'The refund is larger than what is left of the payment');
        const refundId = sandboxId('re');
        await tx.insert(sandboxRefunds).values({
          id: refundId,
          idempotencyKey: input.idempotencyKey,
          paymentIntentId: pi.id,
          amountMinor: input.amountMinor,
          reason: input.reason,
        });
        const [updated] = await tx
          .update(sandboxPaymentIntents)
          .set({ amountRefunded: sql`${sandboxPaymentIntents.amountRefunded} + ${input.amountMinor}` })
          .where(eq(sandboxPaymentIntents.id, pi.id))
          .returning();
        const refunds = await tx
          .select({ id: sandboxRefunds.id, amount: sandboxRefunds.amountMinor })
          .from(sandboxRefunds)
          .where(eq(sandboxRefunds.paymentIntentId, pi.id));
        return { refundId, event: stripeEvent('charge.refunded', chargeObject(updated!, refunds)) };
      });
      if (result.event) deps.delivery.send(result.event);
      return { refundId: result.refundId, status: 'succeeded' };
    },

    verifyWebhook(rawBody, signatureHeader) {
      return verifyStripeWebhook(rawBody, signatureHeader, deps.webhookSecret);
    },

    async listPayments({ since }): Promise<GatewayPayment[]> {
      const rows = await db
        .select()
        .from(sandboxPaymentIntents)
        .where(
          and(eq(sandboxPaymentIntents.status, 'succeeded'), gte(sandboxPaymentIntents.createdAt, since)),
        );
      return rows.map((r) => ({
        paymentIntentId: r.id,
        amountMinor: r.amountMinor,
        currency: r.currency,
        orderId: r.orderId,
        status: r.amountRefunded >= r.amountMinor ? 'refunded' : 'succeeded',
        refundedMinor: r.amountRefunded,
      }));
    },
  };
}
