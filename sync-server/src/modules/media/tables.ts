import { integer, jsonb, pgTable, smallint, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import type { PackagingOutput } from './types.ts';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Matches db/migrations/0006_media_jobs.sql. */
export const mediaJobs = pgTable(
  'media_jobs',
  {
    id: uuid('id').primaryKey(),
    assetId: uuid('asset_id').notNull(),
    kind: text('kind', { enum: ['package_video'] }).notNull(),
    sourceKey: text('source_key').notNull(),
    ownerId: uuid('owner_id'),
    status: text('status', { enum: ['queued', 'running', 'succeeded', 'failed'] })
      .notNull()
      .default('queued'),
    progressPercent: smallint('progress_percent').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(3),
    error: text('error'),
    lockedBy: text('locked_by'),
    lockedUntil: tstz('locked_until'),
    result: jsonb('result').$type<PackagingOutput>(),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
    finishedAt: tstz('finished_at'),
  },
  (t) => [unique().on(t.assetId, t.kind)],
);
