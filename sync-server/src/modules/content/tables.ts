import { bigint, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const contentAssets = pgTable('content_assets', {
  id: uuid('id').primaryKey(),
  courseId: uuid('course_id').notNull(),
  lessonId: uuid('lesson_id'),
  kind: text('kind', { enum: ['video', 'slides', 'document', 'attachment'] }).notNull(),
  originalName: text('original_name').notNull(),
  mimeType: text('mime_type'),
  size: bigint('size', { mode: 'number' }).notNull(),
  sha256: text('sha256').notNull(),
  status: text('status', { enum: ['uploading', 'ready', 'processing', 'failed'] }).notNull(),
  failureReason: text('failure_reason'),
  storageKey: text('storage_key'),
  createdBy: uuid('created_by').notNull(),
  createdAt: tstz('created_at').notNull().defaultNow(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});
export type AssetRow = typeof contentAssets.$inferSelect;

export const contentUploads = pgTable('content_uploads', {
  id: uuid('id').primaryKey(),
  assetId: uuid('asset_id').notNull(),
  courseId: uuid('course_id').notNull(),
  createdBy: uuid('created_by').notNull(),
  status: text('status', { enum: ['open', 'completed'] }).notNull(),
  size: bigint('size', { mode: 'number' }).notNull(),
  sha256: text('sha256').notNull(),
  chunkSize: integer('chunk_size').notNull(),
  chunkCount: integer('chunk_count').notNull(),
  expiresAt: tstz('expires_at').notNull(),
  createdAt: tstz('created_at').notNull().defaultNow(),
});
export type UploadRow = typeof contentUploads.$inferSelect;

export const contentUploadChunks = pgTable(
  'content_upload_chunks',
  {
    uploadId: uuid('upload_id').notNull(),
    index: integer('index').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    receivedAt: tstz('received_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.uploadId, t.index] })],
);
