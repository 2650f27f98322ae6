import { integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Migration 0017_payment_offers.sql; the Idempotency-Key columns 0026_refund_idempotency.sql. */
export const refunds = pgTable(
  'refunds',
  {
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
    /** The caller's Idempotency-Key (unique per requested_by); cleared when the refund fails, so it may be retried. */
    idempotencyKey: text('idempotency_key'),
    /** sha256 of the request the key was first used with (order, amount, reason). */
    requestHash: text('request_hash'),
    /** The answer given the first time, replayed for the same key. */
    response: jsonb('response'),
  },
  (t) => [
    uniqueIndex('refunds_idempotency_key_idx')
      .on(t.requestedBy, t.idempotencyKey)
      .where(sql`idempotency_key IS NOT NULL`),
  ],
);
export type RefundRow = typeof refunds.$inferSelect;
