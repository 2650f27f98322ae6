import { customType, pgSchema, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });
const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Matches db/migrations/0021_lrs_documents.sql. */
const lrs = pgSchema('lrs');

export const lrsDocuments = lrs.table(
  'documents',
  {
    kind: text('kind').$type<'state' | 'activity_profile' | 'agent_profile'>().notNull(),
    activityId: text('activity_id').notNull().default(''),
    agent: text('agent').notNull().default(''),
    registration: text('registration').notNull().default(''),
    documentId: text('document_id').notNull(),
    contentType: text('content_type').notNull(),
    content: bytea('content').notNull(),
    etag: text('etag').notNull(),
    updated: tstz('updated').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.activityId, t.agent, t.registration, t.documentId] })],
);
