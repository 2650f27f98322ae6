import { z } from 'zod';

/**
 * The sync cursor, opaque to clients (base64url JSON):
 * - incremental: the change-log epoch and the seq the client has applied everything up to;
 * - snapshot (an initial sync in progress): the epoch, the head seq the snapshot started at, the phase and the last
 *   key served in it. When the snapshot ends, the client continues incrementally from the head.
 */
const Incremental = z.object({ e: z.string(), s: z.number().int().min(0) }).strict();
const Snapshot = z
  .object({ e: z.string(), h: z.number().int().min(0), p: z.number().int().min(0), k: z.string().nullable() })
  .strict();
export type IncrementalCursor = z.infer<typeof Incremental>;
export type SnapshotCursor = z.infer<typeof Snapshot>;
export type SyncCursor =
  { kind: 'incremental'; c: IncrementalCursor } | { kind: 'snapshot'; c: SnapshotCursor };

export const encodeSyncCursor = (c: IncrementalCursor | SnapshotCursor): string =>
  Buffer.from(JSON.stringify(c)).toString('base64url');

/** null when the cursor cannot be read (a client from another server, a corrupted store): the client resyncs. */
export function decodeSyncCursor(cursor: string): SyncCursor | null {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const inc = Incremental.safeParse(v);
  if (inc.success) return { kind: 'incremental', c: inc.data };
  const snap = Snapshot.safeParse(v);
  if (snap.success) return { kind: 'snapshot', c: snap.data };
  return null;
}
