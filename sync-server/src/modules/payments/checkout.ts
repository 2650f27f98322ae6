import { eq, sql } from 'drizzle-orm';
import type { CheckoutRequest, CheckoutResponse } from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import type { Caller } from '../../http/route.ts';
import { newId } from '../../lib/ids.ts';
import { recordPlatformEvent } from '../analytics/collector/sources/outbox.ts';
import type { CatalogReader } from '../catalog/reader.ts';
import { grantEnrollment } from '../enrollment/service.ts';
import type { PaymentGateway } from './gateway/port.ts';
import { purchaseEvent, type PaymentsTx } from './fulfilment.ts';
import { recordLedger } from './ledger.ts';
import type { OrderReads } from './orders.ts';
import { orders, type OrderRow } from './tables.ts';

/** The coupon functions of payment offers (payments/coupons), called inside checkout. */
export interface CouponPort {
  quoteCoupon(
    tx: Db | PaymentsTx,
    args: { code: string; courseId: string; userId: string },
  ): Promise<{ couponId: string; discountMinor: number }>;
  consumeCoupon(tx: PaymentsTx, couponId: string, orderId: string): Promise<unknown>;
  /** Give the redemption back when the order closes unpaid. */
  releaseCoupon(tx: PaymentsTx, orderId: string): Promise<unknown>;
}

export interface CheckoutDeps {
  db: Db;
  gateway: PaymentGateway;
  catalog: CatalogReader;
  orders: OrderReads;
  /** Null until payment offers provides coupons: a code is then refused. */
  coupons: CouponPort | null;
  email: (userId: string) => Promise<string | null>;
  /** Where the gateway sends the student back (`success` / `cancel`), for an order. */
  returnUrl: (orderId: string, outcome: 'success' | 'cancel') => string;
  /** The enrollment changed (a free-by-coupon order): poke the student's devices. */
  onEnrolled: () => void;
}

/** `POST /courses/:id/checkout`: the server prices the course, applies a coupon, and opens the gateway's page. */
export function checkoutService(deps: CheckoutDeps) {
  const { db, gateway } = deps;

  async function openSession(order: OrderRow, title: string): Promise<string> {
    const s = await gateway.createCheckout({
      orderId: order.id,
      amountMinor: order.amountMinor,
      currency: order.currency,
      description: title,
      customerEmail: await deps.email(order.userId),
      successUrl: deps.returnUrl(order.id, 'success'),
      cancelUrl: deps.returnUrl(order.id, 'cancel'),
      idempotencyKey: `checkout:${order.id}`,
    });
    await db
      .update(orders)
      .set({ gatewaySessionId: s.sessionId, checkoutUrl: s.checkoutUrl, updatedAt: sql`now()` })
      .where(eq(orders.id, order.id));
    return s.checkoutUrl;
  }

  async function quote(code: string | undefined, courseId: string, userId: string) {
    if (!code) return null;
    if (!deps.coupons)
      throw new ApiError('validation_failed', 'Coupons are not available on this server yet');
    return deps.coupons.quoteCoupon(db, { code, courseId, userId });
  }

  return {
    async checkout(
      courseId: string,
      caller: Caller,
      body: CheckoutRequest,
    ): Promise<{ status: 200 | 201; body: CheckoutResponse }> {
      const course = await deps.catalog.getCourse(courseId);
      if (!course) throw new ApiError('not_found', 'Course not found');
      if (course.status !== 'published')
        throw new ApiError('course_not_published', `This course is ${course.status}, not for sale`);
      if (course.priceCents <= 0)
        throw new ApiError('not_for_sale', 'This course is free: enroll in it instead of buying it');
      const enrolled = await db.execute<{ status: string }>(
        sql`SELECT status FROM enrollments WHERE course_id = ${courseId} AND user_id = ${caller.id}`,
      );
      const status = enrolled.rows[0]?.status;
      if (status === 'active' || status === 'completed')
        throw new ApiError('already_enrolled', 'You already own this course', { status });

      const coupon = await quote(body.couponCode, courseId, caller.id);
      const pending = await deps.orders.pendingFor(caller.id, courseId);
      if (pending && (pending.couponId ?? null) === (coupon?.couponId ?? null)) {
        const url = pending.checkoutUrl ?? (await openSession(pending, course.title));
        return { status: 201, body: { orderId: pending.id, status: 'pending', checkoutUrl: url } };
      }

      const list = course.priceCents;
      const amount = Math.max(0, list - (coupon?.discountMinor ?? 0));
      const currency = (course.currency ?? 'USD').toUpperCase();
      const id = newId();
      const created = await db.transaction(async (tx) => {
        // Another coupon than the open order's: that order is given up (its page can no longer be paid for it).
        if (pending)
          await tx
            .update(orders)
            .set({ status: 'expired', failureCode: 'superseded', updatedAt: sql`now()` })
            .where(eq(orders.id, pending.id));
        if (pending?.couponId) await deps.coupons!.releaseCoupon(tx, pending.id);
        const free = amount === 0;
        const [row] = await tx
          .insert(orders)
          .values({
            id,
            userId: caller.id,
            courseId,
            status: free ? 'paid' : 'pending',
            amountMinor: amount,
            listAmountMinor: list,
            currency,
            couponId: coupon?.couponId ?? null,
            gateway: free ? 'none' : gateway.name,
            paidAt: free ? new Date() : null,
          })
          .onConflictDoNothing()
          .returning();
        if (!row) return null;
        if (coupon) await deps.coupons!.consumeCoupon(tx, coupon.couponId, id);
        if (free) {
          await grantEnrollment(tx, { userId: caller.id, courseId, source: 'coupon' });
          await recordLedger(tx, {
            orderId: id,
            kind: 'discount',
            amountMinor: list,
            currency,
            entryKey: `discount:${id}`,
            memo: `coupon ${coupon?.couponId ?? ''}`,
          });
          await recordPlatformEvent(tx, purchaseEvent(row));
        }
        return row;
      });
      if (!created) {
        // Two checkouts at once: the other one's open order wins and is answered to both.
        const winner = await deps.orders.pendingFor(caller.id, courseId);
        if (!winner)
          throw new ApiError('conflict', 'Another checkout for this course is in progress; try again');
        const url = winner.checkoutUrl ?? (await openSession(winner, course.title));
        return { status: 201, body: { orderId: winner.id, status: 'pending', checkoutUrl: url } };
      }
      if (created.status === 'paid') {
        deps.onEnrolled();
        return { status: 200, body: { orderId: id, status: 'paid', checkoutUrl: null } };
      }
      const url = await openSession(created, course.title);
      return { status: 201, body: { orderId: id, status: 'pending', checkoutUrl: url } };
    },
  };
}
export type CheckoutService = ReturnType<typeof checkoutService>;
