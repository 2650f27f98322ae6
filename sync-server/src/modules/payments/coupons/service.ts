import { desc, inArray, sql } from 'drizzle-orm';
import type { Coupon, CouponCreate } from '@lyceum/contracts';
import type { Db } from '../../../db/client.ts';
import { ApiError } from '../../../http/errors.ts';
import type { Caller } from '../../../http/route.ts';
import { newId } from '../../../lib/ids.ts';
import type { CatalogReader } from '../../catalog/reader.ts';
import type { Tx } from '../../catalog/structure.ts';
import { requireCourseStaff } from '../../enrollment/access.ts';
import { coupons, type CouponRow } from './tables.ts';

/** A drizzle transaction, or the database for a read on its own. */
export type CouponTx = Db | Tx;

export interface CouponQuote {
  couponId: string;
  /** What the coupon takes off the course's price (never more than the price). */
  discountMinor: number;
  /** The course's price and currency the quote was made against. */
  listAmountMinor: number;
  currency: string;
}

const toCoupon = (c: CouponRow): Coupon => ({
  id: c.id,
  code: c.code,
  percentOff: c.percentOff,
  amountOff:
    c.amountOffMinor !== null && c.currency !== null
      ? { amountMinor: c.amountOffMinor, currency: c.currency }
      : null,
  courseId: c.courseId,
  expiresAt: c.expiresAt?.toISOString() ?? null,
  maxRedemptions: c.maxRedemptions,
  redeemedCount: c.redeemedCount,
  createdBy: c.createdBy,
  createdAt: c.createdAt.toISOString(),
});

/** Discount of a coupon on a price: percent rounded down to a whole minor unit (100 % is the whole price). */
export function discountOf(c: Pick<CouponRow, 'percentOff' | 'amountOffMinor'>, priceMinor: number): number {
  if (c.percentOff !== null)
    return c.percentOff >= 100 ? priceMinor : Math.floor((priceMinor * c.percentOff) / 100);
  return Math.min(c.amountOffMinor ?? 0, priceMinor);
}

/**
 * Check a typed code for a course and answer what it takes off; throws coupon_invalid (no such code),
 * coupon_expired, coupon_wrong_course (another course, or an amount in another currency) or coupon_exhausted.
 * The payments core's checkout calls it, then consumeCoupon in the transaction that creates the order.
 */
export async function quoteCoupon(
  tx: CouponTx,
  args: { code: string; courseId: string; userId: string },
): Promise<CouponQuote> {
  const code = args.code.trim().toUpperCase();
  const [c] = await tx
    .select()
    .from(coupons)
    .where(sql`${coupons.code} = ${code}`);
  if (!c) throw new ApiError('coupon_invalid', 'No coupon has this code', { code });
  if (c.expiresAt && c.expiresAt.getTime() <= Date.now())
    throw new ApiError('coupon_expired', 'This coupon has expired', { expiresAt: c.expiresAt.toISOString() });
  if (c.courseId && c.courseId !== args.courseId)
    throw new ApiError('coupon_wrong_course', 'This coupon is for another course', { courseId: c.courseId });
  const course = await tx.execute<{ price_cents: number; currency: string | null }>(
    sql`SELECT price_cents, currency FROM courses WHERE id = ${args.courseId}`,
  );
  const price = course.rows[0];
  if (!price) throw new ApiError('not_found', 'Course not found');
  if (c.currency && c.currency !== price.currency)
    throw new ApiError('coupon_wrong_course', `This coupon takes off an amount in ${c.currency}`, {
      currency: c.currency,
    });
  if (c.maxRedemptions !== null && c.redeemedCount >= c.maxRedemptions)
    throw new ApiError('coupon_exhausted', 'This coupon has been used as many times as it allows', {
      maxRedemptions: c.maxRedemptions,
    });
  return {
    couponId: c.id,
    discountMinor: discountOf(c, price.price_cents),
    listAmountMinor: price.price_cents,
    currency: price.currency ?? 'USD',
  };
}

/**
 * Count one redemption of the coupon for the order, in the transaction that creates the order (the order row must
 * exist). Idempotent per order. The cap holds under concurrent checkouts: the count is raised by a conditional
 * UPDATE, which waits for a concurrent one on the same row and re-reads it; past the cap it throws
 * coupon_exhausted (the caller's transaction rolls back).
 */
export async function consumeCoupon(tx: CouponTx, couponId: string, orderId: string): Promise<void> {
  const inserted = await tx.execute(sql`
    INSERT INTO coupon_redemptions (order_id, coupon_id, user_id, discount_minor)
    SELECT o.id, ${couponId}, o.user_id, o.list_amount_minor - o.amount_minor FROM orders o WHERE o.id = ${orderId}
    ON CONFLICT (order_id) DO NOTHING RETURNING order_id`);
  if (inserted.rows.length === 0) {
    const known = await tx.execute(sql`SELECT 1 FROM coupon_redemptions WHERE order_id = ${orderId}`);
    if (known.rows.length) return;
    throw new ApiError('not_found', 'Order not found');
  }
  const raised = await tx.execute(sql`
    UPDATE coupons SET redeemed_count = redeemed_count + 1
     WHERE id = ${couponId} AND (max_redemptions IS NULL OR redeemed_count < max_redemptions)
    RETURNING id`);
  if (raised.rows.length === 0)
    throw new ApiError('coupon_exhausted', 'This coupon has been used as many times as it allows');
}

/** Give the redemption back when its order failed or expired unpaid. Idempotent. */
export async function releaseCoupon(tx: CouponTx, orderId: string): Promise<void> {
  const gone = await tx.execute<{ coupon_id: string }>(
    sql`DELETE FROM coupon_redemptions WHERE order_id = ${orderId} RETURNING coupon_id`,
  );
  const couponId = gone.rows[0]?.coupon_id;
  if (couponId)
    await tx.execute(
      sql`UPDATE coupons SET redeemed_count = GREATEST(0, redeemed_count - 1) WHERE id = ${couponId}`,
    );
}

/** Creating and listing coupons: admins for any course or all; instructors for their own courses. */
export function couponService(db: Db, catalog: CatalogReader) {
  return {
    async create(caller: Caller, body: CouponCreate): Promise<Coupon> {
      if (body.courseId) {
        const course = await requireCourseStaff(catalog, body.courseId, caller);
        if (body.amountOff && course.currency && body.amountOff.currency !== course.currency)
          throw new ApiError('validation_failed', `This course is priced in ${course.currency}`, {
            issues: [
              { path: 'amountOff.currency', message: 'another currency than the course', code: 'custom' },
            ],
          });
      } else if (caller.role !== 'admin')
        throw new ApiError('forbidden', 'Only admins make coupons for every course; name your course');
      if (body.expiresAt && new Date(body.expiresAt).getTime() <= Date.now())
        throw new ApiError('validation_failed', 'The expiry must be in the future', {
          issues: [{ path: 'expiresAt', message: 'in the past', code: 'custom' }],
        });
      const [row] = await db
        .insert(coupons)
        .values({
          id: newId(),
          code: body.code,
          percentOff: body.percentOff ?? null,
          amountOffMinor: body.amountOff?.amountMinor ?? null,
          currency: body.amountOff?.currency ?? null,
          courseId: body.courseId ?? null,
          expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
          maxRedemptions: body.maxRedemptions ?? null,
          createdBy: caller.id,
        })
        .onConflictDoNothing({ target: coupons.code })
        .returning();
      if (!row) throw new ApiError('conflict', 'A coupon with this code exists already', { code: body.code });
      return toCoupon(row);
    },

    async list(caller: Caller, courseId?: string): Promise<{ items: Coupon[] }> {
      if (courseId) await requireCourseStaff(catalog, courseId, caller);
      let where;
      if (courseId) where = sql`${coupons.courseId} = ${courseId}`;
      else if (caller.role !== 'admin') {
        const taught = await catalog.coursesTaughtBy(caller.id);
        if (taught.length === 0) return { items: [] };
        where = inArray(coupons.courseId, taught);
      }
      const rows = await db.select().from(coupons).where(where).orderBy(desc(coupons.createdAt)).limit(500);
      return { items: rows.map(toCoupon) };
    },
  };
}
export type CouponService = ReturnType<typeof couponService>;
