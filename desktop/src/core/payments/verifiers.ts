import { eq } from 'drizzle-orm';
import type { VoucherVerifiers } from '@lyceum/contracts';
import type { LocalDb } from '../store/open.ts';
import { voucherBatches, voucherHashes } from './tables.ts';

/** What the cached verifier list says about a code. */
export type VoucherCheck =
  | { status: 'valid'; batchId: string; courseId: string }
  | { status: 'unknown' }
  | { status: 'revoked' | 'expired'; batchId: string; courseId: string };

/** The server's voucher verifier list, cached in SQLite so codes can be checked without a connection. */
export function verifierRepo(db: LocalDb) {
  return {
    /** Replace the cached list with the server's (one transaction). */
    replace(list: VoucherVerifiers, now = new Date().toISOString()): void {
      db.transaction((tx) => {
        tx.delete(voucherHashes).run();
        tx.delete(voucherBatches).run();
        for (const b of list.batches) {
          tx.insert(voucherBatches)
            .values({
              batchId: b.batchId,
              courseId: b.courseId,
              expiresAt: b.expiresAt,
              revoked: b.revoked,
              syncedAt: now,
            })
            .run();
          for (let i = 0; i < b.hashes.length; i += 500) {
            const chunk = b.hashes
              .slice(i, i + 500)
              .map((hash) => ({ hash: hash.toLowerCase(), batchId: b.batchId }));
            if (chunk.length) tx.insert(voucherHashes).values(chunk).onConflictDoNothing().run();
          }
        }
      });
    },

    /** Look a code's hash up: valid (a live batch), revoked, expired, or unknown to this device. */
    check(hash: string, now = Date.now()): VoucherCheck {
      const row = db
        .select({
          batchId: voucherBatches.batchId,
          courseId: voucherBatches.courseId,
          expiresAt: voucherBatches.expiresAt,
          revoked: voucherBatches.revoked,
        })
        .from(voucherHashes)
        .innerJoin(voucherBatches, eq(voucherBatches.batchId, voucherHashes.batchId))
        .where(eq(voucherHashes.hash, hash.toLowerCase()))
        .get();
      if (!row) return { status: 'unknown' };
      const at = { batchId: row.batchId, courseId: row.courseId };
      if (row.revoked) return { status: 'revoked', ...at };
      if (row.expiresAt && Date.parse(row.expiresAt) <= now) return { status: 'expired', ...at };
      return { status: 'valid', ...at };
    },

    /** When the list was last fetched (null: never on this device). */
    syncedAt(): string | null {
      return db.select({ at: voucherBatches.syncedAt }).from(voucherBatches).limit(1).get()?.at ?? null;
    },
  };
}
export type VerifierRepo = ReturnType<typeof verifierRepo>;
