import { bigint, jsonb, pgTable, text, timestamp, uuid, integer, customType } from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const xid8 = customType<{ data: string }>({ dataType: () => 'xid8' });

/** See 0004_sync.sql: writers (triggers, pushes) insert pending changes; the sequencer moves them to change_log. */
export const changePending = pgTable('change_pending', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  scope: text('scope').notNull(),
  entity: text('entity').notNull(),
  entityId: uuid('entity_id').notNull(),
  ref: uuid('ref'),
  op: text('op', { enum: ['upsert', 'delete'] }).notNull(),
  xid: xid8('xid').notNull(),
  createdAt: tstz('created_at').notNull().defaultNow(),
});

/** Numbered changes, append-only; pulls read these. */
export const changeLog = pgTable('change_log', {
  seq: bigint('seq', { mode: 'number' }).primaryKey(),
  pendingId: bigint('pending_id', { mode: 'number' }).notNull(),
  scope: text('scope').notNull(),
  entity: text('entity').notNull(),
  entityId: uuid('entity_id').notNull(),
  ref: uuid('ref'),
  op: text('op', { enum: ['upsert', 'delete'] }).notNull(),
  createdAt: tstz('created_at').notNull(),
  sequencedAt: tstz('sequenced_at').notNull().defaultNow(),
});

export const syncState = pgTable('sync_state', {
  id: integer('id').primaryKey(),
  epoch: text('epoch').notNull(),
  lowWater: bigint('low_water', { mode: 'number' }).notNull(),
});

export const devices = pgTable('devices', {
  id: uuid('id').primaryKey(),
  userId: uuid('user_id').notNull(),
  firstSeen: tstz('first_seen').notNull().defaultNow(),
  lastSeen: tstz('last_seen').notNull().defaultNow(),
  lastPullSeq: bigint('last_pull_seq', { mode: 'number' }),
});

export const syncMutations = pgTable('sync_mutations', {
  mutationId: uuid('mutation_id').primaryKey(),
  deviceId: uuid('device_id').notNull(),
  userId: uuid('user_id').notNull(),
  name: text('name').notNull(),
  clientSeq: bigint('client_seq', { mode: 'number' }).notNull(),
  status: text('status', { enum: ['applied', 'rejected'] }).notNull(),
  result: jsonb('result'),
  appliedAt: tstz('applied_at').notNull().defaultNow(),
});
