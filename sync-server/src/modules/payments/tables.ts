import {
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Migration 0016_payments.sql: one purchase attempt of a course by a student. */
export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id').notNull(),
    courseId: uuid('course_id').notNull(),
    status: text('status', {
      enum: ['pending', 'paid', 'failed', 'expired', 'refunded', 'partially_refunded'],
    }).notNull(),
    amountMinor: integer('amount_minor').notNull(),
    listAmountMinor: integer('list_amount_minor').notNull(),
    currency: text('currency').notNull(),
    couponId: uuid('coupon_id'),
    gateway: text('gateway', { enum: ['sandbox', 'stripe', 'none'] }).notNull(),
    gatewaySessionId: text('gateway_session_id').unique(),
    checkoutUrl: text('checkout_url'),
    paymentIntentId: text('payment_intent_id').unique(),
    refundedMinor: integer('refunded_minor').notNull().default(0),
    failureCode: text('failure_code'),
    failureMessage: text('failure_message'),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
    paidAt: tstz('paid_at'),
  },
  (t) => [
    index('orders_user_idx').on(t.userId, t.createdAt.desc()),
    index('orders_course_idx').on(t.courseId, t.status),
    uniqueIndex('orders_one_pending_idx')
      .on(t.userId, t.courseId)
      .where(sql`status = 'pending'`),
  ],
);
export type OrderRow = typeof orders.$inferSelect;

/** The gateway's money movements for an order: the charge and each refund. */
export const paymentTransactions = pgTable(
  'payment_transactions',
  {
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id').notNull(),
    gateway: text('gateway').notNull(),
    kind: text('kind', { enum: ['charge', 'refund'] }).notNull(),
    gatewayRef: text('gateway_ref').notNull(),
    amountMinor: integer('amount_minor').notNull(),
    currency: text('currency').notNull(),
    status: text('status').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [unique().on(t.gateway, t.kind, t.gatewayRef)],
);

/**
 * Webhook events received, keyed by the gateway's event id (repeats are dropped on it). Also the fulfilment inbox
 * (migration 0023): applied_at is NULL until the worker has applied the event (order_id and outcome are set then).
 */
export const gatewayEvents = pgTable(
  'gateway_events',
  {
    id: text('id').primaryKey(),
    gateway: text('gateway').notNull(),
    type: text('type').notNull(),
    orderId: uuid('order_id'),
    payload: jsonb('payload').notNull(),
    outcome: text('outcome'),
    receivedAt: tstz('received_at').notNull().defaultNow(),
    appliedAt: tstz('applied_at'),
    attempts: integer('attempts').notNull().default(0),
    retryAt: tstz('retry_at'),
    lastError: text('last_error'),
  },
  (t) => [
    index('gateway_events_inbox_idx')
      .on(t.receivedAt)
      .where(sql`applied_at IS NULL`),
  ],
);

/** Signed money movements (charges positive, refunds negative); entry_key makes each count once. */
export const ledgerEntries = pgTable('ledger_entries', {
  id: uuid('id').primaryKey(),
  orderId: uuid('order_id').notNull(),
  kind: text('kind', { enum: ['charge', 'refund', 'discount'] }).notNull(),
  amountMinor: integer('amount_minor').notNull(),
  currency: text('currency').notNull(),
  entryKey: text('entry_key').notNull().unique(),
  memo: text('memo'),
  createdAt: tstz('created_at').notNull().defaultNow(),
});
export type LedgerRow = typeof ledgerEntries.$inferSelect;

// --- the sandbox gateway's own state ---

export const sandboxSessions = pgTable('sandbox_checkout_sessions', {
  id: text('id').primaryKey(),
  idempotencyKey: text('idempotency_key').notNull().unique(),
  orderId: uuid('order_id').notNull(),
  amountMinor: integer('amount_minor').notNull(),
  currency: text('currency').notNull(),
  description: text('description').notNull(),
  customerEmail: text('customer_email'),
  successUrl: text('success_url').notNull(),
  cancelUrl: text('cancel_url').notNull(),
  status: text('status', { enum: ['open', 'complete', 'expired'] }).notNull(),
  paymentStatus: text('payment_status', { enum: ['paid', 'unpaid'] }).notNull(),
  paymentIntentId: text('payment_intent_id'),
  createdAt: tstz('created_at').notNull().defaultNow(),
  expiresAt: tstz('expires_at').notNull(),
});
export type SandboxSessionRow = typeof sandboxSessions.$inferSelect;

export const sandboxPaymentIntents = pgTable('sandbox_payment_intents', {
  id: text('id').primaryKey(),
  sessionId: text('session_id').notNull(),
  orderId: uuid('order_id').notNull(),
  amountMinor: integer('amount_minor').notNull(),
  currency: text('currency').notNull(),
  status: text('status').notNull(),
  method: text('method').notNull(),
  amountRefunded: integer('amount_refunded').notNull().default(0),
  createdAt: tstz('created_at').notNull().defaultNow(),
});
export type SandboxPaymentIntentRow = typeof sandboxPaymentIntents.$inferSelect;

export const sandboxRefunds = pgTable('sandbox_refunds', {
  id: text('id').primaryKey(),
  idempotencyKey: text('idempotency_key').notNull().unique(),
  paymentIntentId: text('payment_intent_id').notNull(),
  amountMinor: integer('amount_minor').notNull(),
  reason: text('reason'),
  createdAt: tstz('created_at').notNull().defaultNow(),
});
