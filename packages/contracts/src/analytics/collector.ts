import { z } from 'zod';
import { Id, IsoDateTime, Text } from '../common.ts';
import { EventSource } from './event.ts';
import { StoredStatement } from './statement.ts';

/**
 * The desktop app's batch upload: statements recorded on the device (each with its own UUID and device
 * `timestamp`), and the device clock at sending time so the server can estimate the skew. Statements are checked
 * one by one: a bad one goes to the dead-letter store with its reason and does not sink the batch.
 */
export const EventBatch = z
  .object({
    deviceId: Text().min(1).max(100),
    sentAt: IsoDateTime,
    statements: z.array(z.unknown()).min(1).max(1000),
  })
  .strict();
export type EventBatch = z.infer<typeof EventBatch>;

export const EventBatchResult = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(z.object({ index: z.number().int(), id: Text().nullable(), reason: Text() })),
  /** Server clock − device clock at upload, ms (positive: the device is behind). */
  skewMs: z.number(),
});
export type EventBatchResult = z.infer<typeof EventBatchResult>;

/** An event the collector could not accept, kept with its reason. */
export const DeadLetter = z.object({
  id: Text(),
  source: Text(),
  /** Where it came from within the source: a device, an xAPI client, a file, a table. */
  origin: Text(),
  reason: Text(),
  payload: z.unknown(),
  receivedAt: IsoDateTime,
});
export type DeadLetter = z.infer<typeof DeadLetter>;

export const DeadLetterQuery = z
  .object({
    source: EventSource.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: Text().max(200).optional(),
  })
  .strict();
export type DeadLetterQuery = z.infer<typeof DeadLetterQuery>;

/** Newest first. */
export const DeadLetterList = z.object({ items: z.array(DeadLetter), nextCursor: Text().nullable() });
export type DeadLetterList = z.infer<typeof DeadLetterList>;

/** Credentials an outside learning tool uses (HTTP Basic key:secret) on the xAPI Statements resource. */
export const XapiClient = z.object({
  id: Id,
  key: Text(),
  name: Text(),
  createdBy: Id.nullable(),
  createdAt: IsoDateTime,
  disabled: z.boolean(),
});
export type XapiClient = z.infer<typeof XapiClient>;

export const XapiClientCreate = z.object({ name: Text().trim().min(1).max(200) }).strict();
export type XapiClientCreate = z.infer<typeof XapiClientCreate>;

/** The answer to creating a client: the secret is shown this once (only its hash is kept). */
export const XapiClientCreated = XapiClient.extend({ secret: Text() });
export type XapiClientCreated = z.infer<typeof XapiClientCreated>;

export const XapiClientList = z.object({ items: z.array(XapiClient) });
export type XapiClientList = z.infer<typeof XapiClientList>;

/** xAPI StatementResult: a page of statements and the relative URL of the next page ('' when none). */
export const StatementResult = z.object({ statements: z.array(StoredStatement), more: Text() });
export type StatementResult = z.infer<typeof StatementResult>;
