import { integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Migration 0017_payment_offers.sql. */
export const coupons = pgTable('coupons', {
  id: uuid('id').primaryKey(),
  code: text('code').notNull().unique(),
  percentOff: integer('percent_off'),
  amountOffMinor: integer('amount_off_minor'),
  currency: text('currency'),
  courseId: uuid('course_id'),
  expiresAt: tstz('expires_at'),
  maxRedemptions: integer('max_redemptions'),
  redeemedCount: integer('redeemed_count').notNull().default(0),
  createdBy: uuid('created_by').notNull(),
  createdAt: tstz('created_at').notNull().defaultNow(),
});
export type CouponRow = typeof coupons.$inferSelect;

export const couponRedemptions = pgTable('coupon_redemptions', {
  orderId: uuid('order_id').primaryKey(),
  couponId: uuid('coupon_id').notNull(),
  userId: uuid('user_id').notNull(),
  discountMinor: integer('discount_minor').notNull(),
  createdAt: tstz('created_at').notNull().defaultNow(),
});
