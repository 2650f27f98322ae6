import { bigint, boolean, jsonb, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { analytics } from '../analytics/collector/tables.ts';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Matches db/migrations/0020_lrs_statements.sql. */
export const lrs = pgSchema('lrs');

export const lrsStatements = lrs.table('statements', {
  id: uuid('id').primaryKey(),
  statement: jsonb('statement').$type<Record<string, unknown>>().notNull(),
  stored: tstz('stored').notNull(),
  actor: text('actor').notNull(),
  verb: text('verb').notNull(),
  agents: text('agents').array().notNull(),
  relatedAgents: text('related_agents').array().notNull(),
  activities: text('activities').array().notNull(),
  relatedActivities: text('related_activities').array().notNull(),
  registration: uuid('registration'),
  target: uuid('target'),
  voiding: boolean('voiding').notNull().default(false),
  voided: boolean('voided').notNull().default(false),
  origin: text('origin').notNull(),
});

export const lrsAttachments = lrs.table('attachments', {
  sha2: text('sha2').primaryKey(),
  contentType: text('content_type').notNull(),
  length: bigint('length', { mode: 'number' }).notNull(),
  storageKey: text('storage_key').notNull(),
  createdAt: tstz('created_at').notNull().defaultNow(),
});

export const voidedStatements = analytics.table('voided_statements', {
  id: uuid('id').primaryKey(),
  voidedAt: tstz('voided_at').notNull().defaultNow(),
  correctedAt: tstz('corrected_at'),
});
