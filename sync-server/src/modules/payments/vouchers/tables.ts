import { integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Migration 0017_payment_offers.sql. */
export const voucherBatches = pgTable('voucher_batches', {
  id: uuid('id').primaryKey(),
  courseId: uuid('course_id').notNull(),
  label: text('label').notNull().default(''),
  codeCount: integer('code_count').notNull(),
  expiresAt: tstz('expires_at'),
  revokedAt: tstz('revoked_at'),
  createdBy: uuid('created_by').notNull(),
  createdAt: tstz('created_at').notNull().defaultNow(),
});
export type VoucherBatchRow = typeof voucherBatches.$inferSelect;

export const vouchers = pgTable('vouchers', {
  id: uuid('id').primaryKey(),
  batchId: uuid('batch_id').notNull(),
  code: text('code').notNull().unique(),
  codeHash: text('code_hash').notNull().unique(),
  position: integer('position').notNull(),
});

export const voucherRedemptions = pgTable('voucher_redemptions', {
  voucherId: uuid('voucher_id').primaryKey(),
  userId: uuid('user_id').notNull(),
  courseId: uuid('course_id').notNull(),
  via: text('via', { enum: ['online', 'sync'] }).notNull(),
  mutationId: uuid('mutation_id'),
  redeemedAt: tstz('redeemed_at').notNull().defaultNow(),
});
