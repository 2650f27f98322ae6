import { bigint, boolean, integer, jsonb, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { EventSource } from '@lyceum/contracts';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Matches db/migrations/0009_analytics_collector.sql. */
export const analytics = pgSchema('analytics');

export const statements = analytics.table('statements', {
  id: uuid('id').primaryKey(),
  // The statement's JSON as text (0011_analytics_lean_write_path.sql: no parse on insert); readers select statement::json.
  statement: text('statement').notNull(),
  actor: text('actor').notNull(),
  verb: text('verb').notNull(),
  activity: text('activity').notNull(),
  registration: uuid('registration'),
  timestamp: tstz('timestamp').notNull(),
  stored: tstz('stored').notNull(),
  source: text('source').$type<EventSource>().notNull(),
  deviceId: text('device_id'),
  skewMs: bigint('skew_ms', { mode: 'number' }),
});

export const deadLetters = analytics.table('dead_letters', {
  id: uuid('id').primaryKey(),
  source: text('source').notNull(),
  origin: text('origin').notNull(),
  reason: text('reason').notNull(),
  payload: jsonb('payload').$type<unknown>(),
  receivedAt: tstz('received_at').notNull().defaultNow(),
});

export const deviceUploads = analytics.table('device_uploads', {
  id: uuid('id').primaryKey(),
  userId: uuid('user_id').notNull(),
  deviceId: text('device_id').notNull(),
  sentAt: tstz('sent_at').notNull(),
  receivedAt: tstz('received_at').notNull(),
  skewMs: bigint('skew_ms', { mode: 'number' }).notNull(),
  statements: integer('statements').notNull(),
  accepted: integer('accepted').notNull(),
  duplicates: integer('duplicates').notNull(),
  rejected: integer('rejected').notNull(),
});

export const xapiClients = analytics.table('xapi_clients', {
  id: uuid('id').primaryKey(),
  key: text('key').notNull().unique(),
  secretHash: text('secret_hash').notNull(),
  name: text('name').notNull(),
  createdBy: uuid('created_by'),
  createdAt: tstz('created_at').notNull().defaultNow(),
  disabled: boolean('disabled').notNull().default(false),
});
