import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Drizzle views of the tables of migrations/0008_payments.sql (the SQL file is the source of truth). */

export const voucherBatches = sqliteTable('voucher_batches', {
  batchId: text('batch_id').primaryKey(),
  courseId: text('course_id').notNull(),
  expiresAt: text('expires_at'),
  revoked: integer('revoked', { mode: 'boolean' }).notNull(),
  syncedAt: text('synced_at').notNull(),
});

export const voucherHashes = sqliteTable('voucher_hashes', {
  hash: text('hash').primaryKey(),
  batchId: text('batch_id').notNull(),
});

export const courseLocks = sqliteTable('course_locks', {
  userId: text('user_id').notNull(),
  courseId: text('course_id').notNull(),
  code: text('code').notNull(),
  message: text('message').notNull(),
  lockedAt: text('locked_at').notNull(),
});

export const paymentNotices = sqliteTable('payment_notices', {
  userId: text('user_id').notNull(),
  courseId: text('course_id').notNull(),
  kind: text('kind', { enum: ['refunded'] }).notNull(),
  title: text('title').notNull(),
  createdAt: text('created_at').notNull(),
});
