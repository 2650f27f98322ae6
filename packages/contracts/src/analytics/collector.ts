import { z } from 'zod';
import { IsoDateTime } from '../common.ts';

/**
 * The desktop app's batch upload: statements recorded on the device (each with its own UUID and device
 * `timestamp`), and the device clock at sending time so the server can estimate the skew. Statements are checked
 * one by one: a bad one goes to the dead-letter store with its reason and does not sink the batch.
 */
export const EventBatch = z
  .object({
    deviceId: z.string().min(1).max(100),
    sentAt: IsoDateTime,
    statements: z.array(z.unknown()).min(1).max(1000),
  })
  .strict();
export type EventBatch = z.infer<typeof EventBatch>;

export const EventBatchResult = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(z.object({ index: z.number().int(), id: z.string().nullable(), reason: z.string() })),
  /** Server clock − device clock at upload, ms (positive: the device is behind). */
  skewMs: z.number(),
});
export type EventBatchResult = z.infer<typeof EventBatchResult>;

/** An event the collector could not accept, kept with its reason. */
export const DeadLetter = z.object({
  id: z.string(),
  source: z.string(),
  reason: z.string(),
  payload: z.unknown(),
  receivedAt: IsoDateTime,
});
export type DeadLetter = z.infer<typeof DeadLetter>;
