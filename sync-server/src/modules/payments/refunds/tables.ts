import { integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Migration 0017_payment_offers.sql. */
export const refunds = pgTable('refunds', {
  id: uuid('id').primaryKey(),
  orderId: uuid('order_id').notNull(),
  amountMinor: integer('amount_minor').notNull(),
  currency: text('currency').notNull(),
  reason: text('reason').notNull(),
  status: text('status', { enum: ['pending', 'succeeded', 'failed'] }).notNull(),
  requestedBy: uuid('requested_by'),
  requestedAs: text('requested_as', { enum: ['admin', 'instructor', 'student', 'gateway'] }).notNull(),
  gatewayRefundId: text('gateway_refund_id').unique(),
  failureMessage: text('failure_message'),
  createdAt: tstz('created_at').notNull().defaultNow(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});
export type RefundRow = typeof refunds.$inferSelect;
