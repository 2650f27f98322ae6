import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { Refund as RefundSchema, type Refund, type RefundRequest } from '@lyceum/contracts';
import type { Db } from '../../../db/client.ts';
import { ApiError } from '../../../http/errors.ts';
import type { Caller } from '../../../http/route.ts';
import { newId } from '../../../lib/ids.ts';
import type { CatalogReader } from '../../catalog/reader.ts';
import { isCourseStaff } from '../../enrollment/access.ts';
import type { ProgressSummaries } from '../../progress/summary.ts';
import type { PaymentGateway } from '../gateway/port.ts';
import { orders, type OrderRow } from '../tables.ts';
import { settleRefund, succeededSum } from './apply.ts';
import { refundRefusal, refusalMessage, type RefundPolicy } from './policy.ts';
import { refunds, type RefundRow } from './tables.ts';

export interface RefundDeps {
  db: Db;
  catalog: CatalogReader;
  /** The progress module's summaries (the policy's share of the course completed). */
  progress: () => ProgressSummaries;
  /** The active gateway (the payments core's): Stripe with STRIPE_SECRET_KEY, else the sandbox. */
  gateway: () => PaymentGateway;
  policy: RefundPolicy;
}

/** A caller's Idempotency-Key and the request it came with. */
interface KeyUse {
  key: string;
  hash: string;
}

/** What a key was first used for: the order, the amount asked (absent: the rest) and the reason. */
const requestHash = (orderId: string, body: RefundRequest) =>
  createHash('sha256')
    .update(JSON.stringify([orderId, body.amount ?? null, body.reason]))
    .digest('hex');

/** The same key is being used by a request still running (or it found the key taken under the order's lock). */
class KeyTaken extends Error {}

/** PostgreSQL's unique_violation, as pg raises it or drizzle wraps it. */
const uniqueViolation = (err: unknown): boolean =>
  (err as { code?: string } | null)?.code === '23505' ||
  (!!err && uniqueViolation((err as { cause?: unknown }).cause));

export interface RefundAnswer {
  refund: Refund;
  /** The answer given to an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

const toRefund = (r: RefundRow, order: OrderRow): Refund => ({
  id: r.id,
  orderId: r.orderId,
  amountMinor: r.amountMinor,
  currency: r.currency,
  reason: r.reason,
  status: r.status,
  requestedAs: r.requestedAs,
  orderStatus: order.status,
  orderRefundedMinor: order.refundedMinor,
  createdAt: r.createdAt.toISOString(),
});

/**
 * Refunds asked through the API: an admin (any order, any amount left), the course's instructor or the student who
 * bought it (within the refund policy, else 403 refund_not_allowed with the rule that refused it). The amount is
 * reserved (a pending refund row, under the order's lock) before the gateway is called, so two refunds at once
 * can never exceed what was paid.
 */
export function refundService(deps: RefundDeps) {
  const { db } = deps;

  async function progressPercent(order: OrderRow): Promise<number> {
    const structure = await deps.catalog.getStructure(order.courseId);
    if (!structure) return 0;
    const e = await db.execute<{ status: 'active' | 'completed' | 'dropped' | 'refunded' }>(
      sql`SELECT status FROM enrollments WHERE course_id = ${order.courseId} AND user_id = ${order.userId}`,
    );
    const status = e.rows[0]?.status;
    if (!status) return 0;
    const s = await deps.progress().forUser(order.userId, [{ structure, status }]);
    return s.get(order.courseId)?.progressPercent ?? 0;
  }

  /** Who is asking, as the refunds table records it; 404 for anyone who may not even see the order. */
  async function roleFor(order: OrderRow, caller: Caller): Promise<'admin' | 'instructor' | 'student'> {
    if (caller.role === 'admin') return 'admin';
    const course = await deps.catalog.getCourse(order.courseId);
    if (course && isCourseStaff(course, caller)) return 'instructor';
    if (order.userId === caller.id) return 'student';
    throw new ApiError('not_found', 'Order not found');
  }

  async function reserve(
    order: OrderRow,
    caller: Caller,
    as: RefundRow['requestedAs'],
    body: RefundRequest,
    use: KeyUse | null,
  ) {
    return db.transaction(async (tx) => {
      const [o] = await tx.select().from(orders).where(eq(orders.id, order.id)).for('update');
      // A request with the same key got here first (it held the lock): its answer is this one's.
      if (use && (await keyed(caller.id, use.key, tx))) throw new KeyTaken();
      const pending = await tx.execute<{ n: number }>(
        // A pending refund the gateway never answered for (the server stopped during the call) stops reserving after
        // 15 minutes; if the gateway did take it, its charge.refunded event records it.
        sql`SELECT coalesce(sum(amount_minor), 0)::int AS n FROM refunds
             WHERE order_id = ${order.id} AND status = 'pending'
               AND (gateway_refund_id IS NOT NULL OR created_at > now() - interval '15 minutes')`,
      );
      const remaining = o!.amountMinor - o!.refundedMinor - (pending.rows[0]?.n ?? 0);
      if (remaining <= 0)
        throw new ApiError(
          'order_not_refundable',
          'Everything paid for this order is refunded or being refunded',
        );
      const amount = body.amount ?? remaining;
      if (amount > remaining)
        throw new ApiError(
          'refund_exceeds_paid',
          `At most ${remaining} can still be refunded on this order`,
          {
            remainingMinor: remaining,
            currency: o!.currency,
          },
        );
      const [row] = await tx
        .insert(refunds)
        .values({
          id: newId(),
          orderId: order.id,
          amountMinor: amount,
          currency: o!.currency,
          reason: body.reason,
          status: 'pending',
          requestedBy: caller.id,
          requestedAs: as,
          idempotencyKey: use?.key ?? null,
          requestHash: use?.hash ?? null,
        })
        .returning();
      return row!;
    });
  }

  async function markFailed(id: string, message: string): Promise<void> {
    await db
      .update(refunds)
      // The key is freed: a request that failed may be retried with it.
      .set({
        status: 'failed',
        failureMessage: message.slice(0, 500),
        idempotencyKey: null,
        updatedAt: sql`now()`,
      })
      .where(and(eq(refunds.id, id), eq(refunds.status, 'pending')));
  }

  /** The refund a caller's key names, if any. */
  async function keyed(callerId: string, key: string, tx: Pick<Db, 'select'> = db) {
    const [row] = await tx
      .select({ hash: refunds.requestHash, response: refunds.response })
      .from(refunds)
      .where(and(eq(refunds.requestedBy, callerId), eq(refunds.idempotencyKey, key)));
    return row;
  }

  /**
   * The first answer to this key, if it was used: 422 idempotency_key_reused for another request; while the first
   * request is still running, wait for its answer (409 idempotency_conflict if it takes too long).
   */
  async function replay(caller: Caller, use: KeyUse, waitMs: number): Promise<Refund | null> {
    const until = Date.now() + waitMs;
    for (;;) {
      const row = await keyed(caller.id, use.key);
      if (!row) return null;
      if (row.hash !== use.hash)
        throw new ApiError(
          'idempotency_key_reused',
          'This Idempotency-Key was used with another request (order, amount or reason); use a new key',
        );
      if (row.response) return RefundSchema.parse(row.response);
      if (Date.now() > until)
        throw new ApiError('idempotency_conflict', 'A request with this Idempotency-Key is still running');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The refund under the key once the request holding it has answered (it failed: the gateway's answer again). */
  async function answerOf(caller: Caller, use: KeyUse): Promise<RefundAnswer> {
    const refund = await replay(caller, use, 30_000);
    if (!refund)
      throw new ApiError(
        'gateway_unavailable',
        'The payment gateway did not take the refund; try again later',
      );
    return { refund, replayed: true };
  }

  return {
    /** Ask for a refund; with an Idempotency-Key, the same key again answers the first answer and refunds once. */
    async request(
      orderId: string,
      caller: Caller,
      body: RefundRequest,
      idempotencyKey?: string,
    ): Promise<RefundAnswer> {
      const use = idempotencyKey ? { key: idempotencyKey, hash: requestHash(orderId, body) } : null;
      if (use) {
        const first = await replay(caller, use, 30_000);
        if (first) return { refund: first, replayed: true };
      }
      const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
      if (!order) throw new ApiError('not_found', 'Order not found');
      const as = await roleFor(order, caller);
      if (order.status !== 'paid' && order.status !== 'partially_refunded')
        throw new ApiError('order_not_refundable', `This order is ${order.status}`, { status: order.status });
      if (order.amountMinor === 0 || !order.paymentIntentId || !order.paidAt)
        throw new ApiError('order_not_refundable', 'Nothing was paid through a gateway for this order');
      if (as !== 'admin') {
        const refusal = refundRefusal(deps.policy, {
          paidAt: order.paidAt,
          progressPercent: await progressPercent(order),
        });
        if (refusal) throw new ApiError('refund_not_allowed', refusalMessage(refusal), refusal);
      }
      let refund: RefundRow;
      try {
        refund = await reserve(order, caller, as, body, use);
      } catch (err) {
        // The same key at once: the other request holds it (found under the lock, or the unique index said so).
        if (use && (err instanceof KeyTaken || uniqueViolation(err))) return answerOf(caller, use);
        throw err;
      }
      let result;
      try {
        result = await deps.gateway().refund({
          paymentIntentId: order.paymentIntentId,
          amountMinor: refund.amountMinor,
          idempotencyKey: `refund:${refund.id}`,
          reason: body.reason,
        });
      } catch (err) {
        await markFailed(refund.id, err instanceof Error ? err.message : 'gateway error');
        if (err instanceof ApiError) throw err;
        throw new ApiError(
          'gateway_unavailable',
          'The payment gateway did not take the refund; try again later',
        );
      }
      return db.transaction(async (tx) => {
        const [o] = await tx.select().from(orders).where(eq(orders.id, order.id)).for('update');
        // The gateway's own event may have been applied first and recorded this refund as the gateway's: ours it is.
        await tx
          .delete(refunds)
          .where(and(eq(refunds.gatewayRefundId, result.refundId), eq(refunds.requestedAs, 'gateway')));
        const status =
          result.status === 'failed' ? 'failed' : result.status === 'succeeded' ? 'succeeded' : null;
        const [row] = await tx
          .update(refunds)
          .set({
            gatewayRefundId: result.refundId,
            ...(status ? { status } : {}),
            updatedAt: sql`now()`,
          })
          .where(eq(refunds.id, refund.id))
          .returning();
        const settled = await settleRefund(tx, o!, await succeededSum(tx, order.id));
        const answer = toRefund(row!, settled.order);
        if (use) await tx.update(refunds).set({ response: answer }).where(eq(refunds.id, refund.id));
        return { refund: answer, replayed: false };
      });
    },

    /** The refunds of an order (owner, the course's staff, admins). */
    async list(orderId: string, caller: Caller): Promise<{ items: Refund[] }> {
      const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
      if (!order) throw new ApiError('not_found', 'Order not found');
      await roleFor(order, caller);
      const rows = await db
        .select()
        .from(refunds)
        .where(eq(refunds.orderId, orderId))
        .orderBy(refunds.createdAt);
      return { items: rows.map((r) => toRefund(r, order)) };
    },
  };
}
export type RefundService = ReturnType<typeof refundService>;
