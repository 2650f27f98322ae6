import { z } from 'zod';
import { IsoDateTime, MutationName } from '@lyceum/contracts';

/** The sync state the local API reports (GET /api/sync/status) and the renderer's indicator reads. */

export const RejectedChange = z.object({
  id: z.string(),
  name: MutationName,
  /** What the change was, in words. */
  what: z.string(),
  createdAt: z.string(),
  code: z.string(),
  /** The server's reason. */
  message: z.string(),
  /** What the student can do about it. */
  action: z.string(),
  courseId: z.string().nullable(),
});
export type RejectedChange = z.infer<typeof RejectedChange>;

/** Changes waiting to sync, in the student's terms (what the sync indicator names, with plurals). */
export const PendingCounts = z.object({
  /** Lessons with progress waiting (however many progress events each). */
  lessons: z.number().int(),
  quizAttempts: z.number().int(),
  /** 1 when a preferences change is waiting (the last one wins). */
  preferences: z.number().int(),
  /** Courses whose rating is waiting. */
  ratings: z.number().int(),
  /** Courses joined or left, waiting. */
  enrollments: z.number().int(),
});
export type PendingCounts = z.infer<typeof PendingCounts>;

/**
 * What the indicator may say: `synced` only when a sync since the app started, and since the connection last came
 * back, reached the server and finished with nothing left; `checking` while that is not known yet.
 */
export const SyncPhase = z.enum([
  'signed_out',
  'offline',
  'syncing',
  'failed',
  'checking',
  'waiting',
  'synced',
]);
export type SyncPhase = z.infer<typeof SyncPhase>;

export const SyncStatus = z.object({
  signedIn: z.boolean(),
  online: z.boolean(),
  syncing: z.boolean(),
  /** Changes made on this device that the server has not confirmed yet. */
  pending: z.number().int(),
  pendingByKind: PendingCounts,
  /** A sync since start and since the connection last came back finished (the state is known). */
  confirmed: z.boolean(),
  phase: SyncPhase,
  lastSyncAt: IsoDateTime.nullable(),
  lastAttemptAt: IsoDateTime.nullable(),
  /** Why the last sync failed (other than being offline). */
  lastError: z.string().nullable(),
  /** Connected for live updates (server pokes). */
  live: z.boolean(),
  rejected: z.array(RejectedChange),
});
export type SyncStatus = z.infer<typeof SyncStatus>;
