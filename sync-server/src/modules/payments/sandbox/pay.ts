import { and, eq, lte, sql } from 'drizzle-orm';
import type { SandboxPayRequest, SandboxPayResult } from '@lyceum/contracts';
import type { Db } from '../../../db/client.ts';
import { ApiError } from '../../../http/errors.ts';
import { sandboxPaymentIntents, sandboxSessions, type SandboxSessionRow } from '../tables.ts';
import type { WebhookDelivery } from './delivery.ts';
import { paymentIntentObject, sessionObject, stripeEvent } from './events.ts';
import { sandboxId } from './ids.ts';

interface CardError {
  code: string;
  declineCode?: string;
  message: string;
}

/** Stripe's test cards (https://docs.stripe.com/testing) the sandbox knows, and what each does. */
export const TEST_CARDS: Record<string, 'succeed' | 'requires_action' | CardError> = {
  '4242424242424242': 'succeed',
  '4000000000000002': {
    code: 'card_declined',
    declineCode: 'generic_decline',
    message: 'Your card was declined.',
  },
  '4000000000009995': {
    code: 'card_declined',
    declineCode: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  '4000002500003155': 'requires_action',
};

const AUTH_FAILED: CardError = {
  code: 'payment_intent_authentication_failure',
  message:
    'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
};

/** The Luhn checksum every real card number passes. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function cardOutcome(req: Extract<SandboxPayRequest, { card: string }>, now = new Date()) {
  const number = req.card.replace(/\D/g, '');
  if (number.length < 12 || !luhnValid(number))
    return { code: 'incorrect_number', message: 'Your card number is incorrect.' };
  const expired =
    req.expYear < now.getUTCFullYear() ||
    (req.expYear === now.getUTCFullYear() && req.expMonth < now.getUTCMonth() + 1);
  if (expired) return { code: 'expired_card', message: 'Your card has expired.' };
  return (
    TEST_CARDS[number] ?? {
      code: 'card_declined',
      declineCode: 'test_mode_live_card',
      message: 'Your card was declined. The sandbox takes Stripe test cards only (4242 4242 4242 4242).',
    }
  );
}

export interface SandboxPaymentsDeps {
  db: Db;
  delivery: WebhookDelivery;
  /** How long a bank transfer takes to arrive (ms); default 3 s. */
  asyncDelayMs?: number;
}

/** Paying on the sandbox's hosted page: cards, the 3-D Secure step, bank transfers, expiry. */
export function sandboxPayments(deps: SandboxPaymentsDeps) {
  const { db, delivery } = deps;
  const asyncDelayMs = deps.asyncDelayMs ?? 3_000;
  const sessionUrl = (s: SandboxSessionRow) => `/sandbox/checkout/sessions/${s.id}`;
  const result = (r: Partial<SandboxPayResult> & Pick<SandboxPayResult, 'status'>): SandboxPayResult => ({
    nextUrl: null,
    redirectUrl: null,
    failureCode: null,
    failureMessage: null,
    ...r,
  });

  async function session(id: string): Promise<SandboxSessionRow> {
    const [s] = await db.select().from(sandboxSessions).where(eq(sandboxSessions.id, id));
    if (!s) throw new ApiError('not_found', 'No such checkout session');
    return s;
  }

  async function openSession(id: string): Promise<SandboxSessionRow> {
    const s = await session(id);
    if (s.status === 'open' && s.expiresAt.getTime() <= Date.now()) {
      await expire(id);
      throw new ApiError('checkout_closed', 'This checkout session has expired');
    }
    if (s.status !== 'open') throw new ApiError('checkout_closed', `This checkout session is ${s.status}`);
    return s;
  }

  /**
   * A card that succeeds on an open session: complete it and create its payment intent in ONE statement (the
   * usual payment, so it reads nothing first); null when the session is not open (the caller says why).
   */
  async function completeOpenByCard(id: string, piId: string): Promise<SandboxSessionRow | null> {
    const r = await db.execute<{
      id: string;
      idempotency_key: string;
      order_id: string;
      amount_minor: number;
      currency: string;
      description: string;
      customer_email: string | null;
      success_url: string;
      cancel_url: string;
      created_at: string | Date;
      expires_at: string | Date;
    }>(sql`
      WITH done AS (
        UPDATE sandbox_checkout_sessions
           SET status = 'complete', payment_status = 'paid', payment_intent_id = ${piId}
         WHERE id = ${id} AND status = 'open' AND expires_at > now()
        RETURNING *
      ), pi AS (
        INSERT INTO sandbox_payment_intents (id, session_id, order_id, amount_minor, currency, status, method)
        SELECT ${piId}, id, order_id, amount_minor, currency, 'succeeded', 'card' FROM done
      )
      SELECT id, idempotency_key, order_id, amount_minor, currency, description, customer_email, success_url,
             cancel_url, created_at, expires_at FROM done`);
    const row = r.rows[0];
    if (!row) return null;
    const done: SandboxSessionRow = {
      id: row.id,
      idempotencyKey: row.idempotency_key,
      orderId: row.order_id,
      amountMinor: row.amount_minor,
      currency: row.currency,
      description: row.description,
      customerEmail: row.customer_email,
      successUrl: row.success_url,
      cancelUrl: row.cancel_url,
      status: 'complete',
      paymentStatus: 'paid',
      paymentIntentId: piId,
      createdAt: new Date(row.created_at),
      expiresAt: new Date(row.expires_at),
    };
    delivery.send(stripeEvent('checkout.session.completed', sessionObject(done)));
    return done;
  }

  /** Mark the session complete with this payment intent (once) and announce it; one statement. */
  async function complete(s: SandboxSessionRow, piId: string, paid: boolean, method: string) {
    const paymentStatus = paid ? 'paid' : 'unpaid';
    const piStatus = paid ? 'succeeded' : 'processing';
    const r = await db.execute<{ id: string }>(sql`
      WITH done AS (
        UPDATE sandbox_checkout_sessions
           SET status = 'complete', payment_status = ${paymentStatus}, payment_intent_id = ${piId}
         WHERE id = ${s.id} AND status = 'open'
        RETURNING id, order_id, amount_minor, currency
      ), pi AS (
        INSERT INTO sandbox_payment_intents (id, session_id, order_id, amount_minor, currency, status, method)
        SELECT ${piId}, id, order_id, amount_minor, currency, ${piStatus}, ${method} FROM done
        ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status
      )
      SELECT id FROM done`);
    if (r.rows.length === 0) throw new ApiError('checkout_closed', 'This checkout session is already paid');
    const done: SandboxSessionRow = { ...s, status: 'complete', paymentStatus, paymentIntentId: piId };
    delivery.send(stripeEvent('checkout.session.completed', sessionObject(done)));
  }

  async function fail(s: SandboxSessionRow, piId: string, method: string, error: CardError, insert: boolean) {
    const [pi] = insert
      ? await db
          .insert(sandboxPaymentIntents)
          .values({
            id: piId,
            sessionId: s.id,
            orderId: s.orderId,
            amountMinor: s.amountMinor,
            currency: s.currency,
            status: 'requires_payment_method',
            method,
          })
          .returning()
      : await db
          .update(sandboxPaymentIntents)
          .set({ status: 'requires_payment_method' })
          .where(eq(sandboxPaymentIntents.id, piId))
          .returning();
    delivery.send(stripeEvent('payment_intent.payment_failed', paymentIntentObject(pi!, error)));
    return result({
      status: 'failed',
      failureCode: error.declineCode ?? error.code,
      failureMessage: error.message,
    });
  }

  async function expire(id: string): Promise<boolean> {
    const [s] = await db
      .update(sandboxSessions)
      .set({ status: 'expired' })
      .where(and(eq(sandboxSessions.id, id), eq(sandboxSessions.status, 'open')))
      .returning();
    if (s) delivery.send(stripeEvent('checkout.session.expired', sessionObject(s)));
    return s !== undefined;
  }

  /** A bank transfer arrives (or bounces): the async payment events. */
  async function settleAsync(id: string, outcome: 'succeeded' | 'failed'): Promise<boolean> {
    const event = await db.transaction(async (tx) => {
      const [s] = await tx
        .select()
        .from(sandboxSessions)
        .where(and(eq(sandboxSessions.id, id), eq(sandboxSessions.status, 'complete')))
        .for('update');
      if (!s?.paymentIntentId || s.paymentStatus === 'paid') return null;
      const [pi] = await tx
        .update(sandboxPaymentIntents)
        .set({ status: outcome === 'succeeded' ? 'succeeded' : 'requires_payment_method' })
        .where(
          and(
            eq(sandboxPaymentIntents.id, s.paymentIntentId),
            eq(sandboxPaymentIntents.status, 'processing'),
          ),
        )
        .returning();
      if (!pi) return null;
      if (outcome === 'failed') return stripeEvent('checkout.session.async_payment_failed', sessionObject(s));
      const [paid] = await tx
        .update(sandboxSessions)
        .set({ paymentStatus: 'paid' })
        .where(eq(sandboxSessions.id, id))
        .returning();
      return stripeEvent('checkout.session.async_payment_succeeded', sessionObject(paid!));
    });
    if (event) delivery.send(event);
    return event !== null;
  }

  /** Expire the open sessions whose time is up (Stripe sends checkout.session.expired then); answers how many. */
  async function expireDue(): Promise<number> {
    const due = await db
      .select({ id: sandboxSessions.id })
      .from(sandboxSessions)
      .where(and(eq(sandboxSessions.status, 'open'), lte(sandboxSessions.expiresAt, new Date())))
      .limit(500);
    let n = 0;
    for (const { id } of due) if (await expire(id)) n++;
    return n;
  }

  return {
    session,
    expire,
    expireDue,
    settleAsync,

    async pay(id: string, req: SandboxPayRequest): Promise<SandboxPayResult> {
      if ('card' in req && cardOutcome(req) === 'succeed') {
        const done = await completeOpenByCard(id, sandboxId('pi'));
        if (done) return result({ status: 'succeeded', redirectUrl: done.successUrl });
        await openSession(id); // throws why it cannot be paid
        throw new ApiError('checkout_closed', 'This checkout session is already paid');
      }
      const s = await openSession(id);
      const piId = sandboxId('pi');
      if (!('card' in req)) {
        await complete(s, piId, false, 'bank_transfer');
        const t = setTimeout(() => {
          void settleAsync(id, 'succeeded').catch(() => {});
        }, asyncDelayMs);
        t.unref();
        return result({ status: 'processing', redirectUrl: s.successUrl });
      }
      const outcome = cardOutcome(req);
      if (outcome === 'succeed') {
        await complete(s, piId, true, 'card');
        return result({ status: 'succeeded', redirectUrl: s.successUrl });
      }
      if (outcome === 'requires_action') {
        await db.insert(sandboxPaymentIntents).values({
          id: piId,
          sessionId: s.id,
          orderId: s.orderId,
          amountMinor: s.amountMinor,
          currency: s.currency,
          status: 'requires_action',
          method: 'card',
        });
        await db.update(sandboxSessions).set({ paymentIntentId: piId }).where(eq(sandboxSessions.id, s.id));
        return result({ status: 'requires_action', nextUrl: `${sessionUrl(s)}/confirm` });
      }
      return fail(s, piId, 'card', outcome, true);
    },

    /** The 3-D Secure step: the student completes (or fails) the authentication. */
    async confirm(id: string, outcome: 'complete' | 'fail'): Promise<SandboxPayResult> {
      const s = await openSession(id);
      const [pi] = s.paymentIntentId
        ? await db.select().from(sandboxPaymentIntents).where(eq(sandboxPaymentIntents.id, s.paymentIntentId))
        : [];
      if (!pi || pi.status !== 'requires_action')
        throw new ApiError('checkout_closed', 'No payment of this session waits for a confirmation');
      if (outcome === 'fail') return fail(s, pi.id, 'card', AUTH_FAILED, false);
      await complete(s, pi.id, true, 'card');
      return result({ status: 'succeeded', redirectUrl: s.successUrl });
    },
  };
}
export type SandboxPayments = ReturnType<typeof sandboxPayments>;
