import { sql } from 'drizzle-orm';
import { stringify } from 'csv-stringify/sync';
import type {
  VoucherBatch,
  VoucherBatchCreate,
  VoucherBatchCreated,
  VoucherBatchStatus,
  VoucherRedemption,
  VoucherVerifiers,
} from '@lyceum/contracts';
import type { Db } from '../../../db/client.ts';
import { ApiError } from '../../../http/errors.ts';
import type { Caller } from '../../../http/route.ts';
import { newId } from '../../../lib/ids.ts';
import type { CatalogReader } from '../../catalog/reader.ts';
import { requireCourseStaff } from '../../enrollment/access.ts';
import { grantEnrollment, hasAccess } from '../../enrollment/service.ts';
import { contactsOf, type UserDirectory } from '../../enrollment/users.ts';
import { formatVoucherCode, newVoucherCode, normaliseVoucherCode, voucherHash } from './codes.ts';
import { voucherBatches, vouchers, type VoucherBatchRow } from './tables.ts';

export interface VoucherDeps {
  db: Db;
  catalog: CatalogReader;
  users: UserDirectory;
}

export interface RedeemOptions {
  /** The course the device unlocked (sync mutation); a code of another course is voucher_wrong_course. */
  courseId?: string;
  via: 'online' | 'sync';
  mutationId?: string;
  /** When the device redeemed it offline (the mutation's createdAt): honoured for an expiry up to a week before now. */
  madeAt?: Date;
}

/** How long after a batch expires a redemption made offline before the expiry is still accepted. */
export const OFFLINE_EXPIRY_GRACE_MS = 7 * 86_400_000;

/** Expired for this redemption: past the expiry, unless made offline before it and synced within the grace. */
export function isExpired(expiresAt: Date | null, now: number, madeAt?: Date): boolean {
  if (!expiresAt || expiresAt.getTime() >= now) return false;
  if (!madeAt || madeAt.getTime() > now) return true;
  return madeAt.getTime() > expiresAt.getTime() || now - expiresAt.getTime() > OFFLINE_EXPIRY_GRACE_MS;
}

type BatchWithCount = VoucherBatchRow & { redeemed: number };

const iso = (d: Date | null) => d?.toISOString() ?? null;

const toBatch = (b: BatchWithCount): VoucherBatch => ({
  id: b.id,
  courseId: b.courseId,
  label: b.label,
  count: b.codeCount,
  redeemed: b.redeemed,
  expiresAt: iso(b.expiresAt),
  revokedAt: iso(b.revokedAt),
  createdBy: b.createdBy,
  createdAt: b.createdAt.toISOString(),
});

/** A voucher_* refusal; details name the course the device must lock again (null when the code matched none). */
const refusal = (
  code: 'voucher_invalid' | 'voucher_used' | 'voucher_revoked' | 'voucher_expired' | 'voucher_wrong_course',
  message: string,
  courseId: string | null,
) => new ApiError(code, message, { courseId });

/** School vouchers: batches of single-use codes for one course, their export, revocation and redemption. */
export function voucherService({ db, catalog, users }: VoucherDeps) {
  const redeemedCount = sql<number>`(SELECT count(*)::int FROM voucher_redemptions r JOIN vouchers v ON v.id = r.voucher_id WHERE v.batch_id = ${voucherBatches.id})`;

  async function loadBatch(batchId: string, caller: Caller): Promise<BatchWithCount> {
    const [row] = await db
      .select({ b: voucherBatches, redeemed: redeemedCount })
      .from(voucherBatches)
      .where(sql`${voucherBatches.id} = ${batchId}`);
    if (!row) throw new ApiError('not_found', 'Voucher batch not found');
    await requireCourseStaff(catalog, row.b.courseId, caller);
    return { ...row.b, redeemed: row.redeemed };
  }

  async function codesOf(batchId: string) {
    const r = await db.execute<{
      position: number;
      code: string;
      user_id: string | null;
      redeemed_at: Date | null;
      via: 'online' | 'sync' | null;
    }>(sql`
      SELECT v.position, v.code, r.user_id, r.redeemed_at, r.via
        FROM vouchers v LEFT JOIN voucher_redemptions r ON r.voucher_id = v.id
       WHERE v.batch_id = ${batchId} ORDER BY v.position`);
    return r.rows.map((x) => ({ ...x, redeemed_at: x.redeemed_at ? new Date(x.redeemed_at) : null }));
  }

  return {
    async createBatch(
      caller: Caller,
      courseId: string,
      body: VoucherBatchCreate,
    ): Promise<VoucherBatchCreated> {
      await requireCourseStaff(catalog, courseId, caller);
      const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
      if (expiresAt && expiresAt.getTime() <= Date.now())
        throw new ApiError('validation_failed', 'The expiry must be in the future', {
          issues: [{ path: 'expiresAt', message: 'in the past', code: 'custom' }],
        });
      const codes = Array.from({ length: body.count }, () => newVoucherCode());
      const batchId = newId();
      const batch = await db.transaction(async (tx) => {
        const [b] = await tx
          .insert(voucherBatches)
          .values({
            id: batchId,
            courseId,
            label: body.label ?? '',
            codeCount: body.count,
            expiresAt,
            createdBy: caller.id,
          })
          .returning();
        for (let i = 0; i < codes.length; i += 1000)
          await tx.insert(vouchers).values(
            codes.slice(i, i + 1000).map((code, k) => ({
              id: newId(),
              batchId,
              code,
              codeHash: voucherHash(code),
              position: i + k + 1,
            })),
          );
        return b!;
      });
      return { ...toBatch({ ...batch, redeemed: 0 }), codes: codes.map(formatVoucherCode) };
    },

    async listBatches(caller: Caller, courseId: string): Promise<{ items: VoucherBatch[] }> {
      await requireCourseStaff(catalog, courseId, caller);
      const rows = await db
        .select({ b: voucherBatches, redeemed: redeemedCount })
        .from(voucherBatches)
        .where(sql`${voucherBatches.courseId} = ${courseId}`)
        .orderBy(sql`${voucherBatches.createdAt} DESC`);
      return { items: rows.map((r) => toBatch({ ...r.b, redeemed: r.redeemed })) };
    },

    async batchStatus(caller: Caller, batchId: string): Promise<VoucherBatchStatus> {
      const batch = await loadBatch(batchId, caller);
      const codes = await codesOf(batchId);
      const contacts = await contactsOf(
        users,
        codes.flatMap((c) => (c.user_id ? [c.user_id] : [])),
      );
      return {
        ...toBatch(batch),
        codes: codes.map((c) => {
          const who = c.user_id ? contacts.get(c.user_id) : undefined;
          return {
            position: c.position,
            hint: c.code.slice(-4),
            redeemedBy: c.user_id ? { id: c.user_id, name: who?.name ?? '', email: who?.email ?? '' } : null,
            redeemedAt: iso(c.redeemed_at),
            via: c.via,
          };
        }),
      };
    },

    /** The batch's codes as CSV (code, status, redeemed at, redeemed by), for the school that bought them. */
    async exportCsv(caller: Caller, batchId: string): Promise<string> {
      const batch = await loadBatch(batchId, caller);
      const codes = await codesOf(batchId);
      const contacts = await contactsOf(
        users,
        codes.flatMap((c) => (c.user_id ? [c.user_id] : [])),
      );
      const state = (redeemed: boolean) =>
        redeemed
          ? 'redeemed'
          : batch.revokedAt
            ? 'revoked'
            : batch.expiresAt && batch.expiresAt.getTime() < Date.now()
              ? 'expired'
              : 'available';
      return stringify(
        codes.map((c) => [
          formatVoucherCode(c.code),
          batch.courseId,
          state(c.user_id !== null),
          iso(batch.expiresAt) ?? '',
          iso(c.redeemed_at) ?? '',
          c.user_id ? (contacts.get(c.user_id)?.email ?? '') : '',
        ]),
        {
          header: true,
          columns: ['code', 'course_id', 'status', 'expires_at', 'redeemed_at', 'redeemed_by'],
          // A cell a spreadsheet would run as a formula is quoted with a leading apostrophe.
          cast: { string: (v) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v) },
        },
      );
    },

    async revoke(caller: Caller, batchId: string): Promise<VoucherBatch> {
      const batch = await loadBatch(batchId, caller);
      const [row] = await db
        .update(voucherBatches)
        .set({ revokedAt: sql`coalesce(${voucherBatches.revokedAt}, now())` })
        .where(sql`${voucherBatches.id} = ${batchId}`)
        .returning();
      return toBatch({ ...row!, redeemed: batch.redeemed });
    },

    /** Every batch with the hashes of its codes not yet redeemed (none for a revoked batch). */
    async verifiers(): Promise<VoucherVerifiers> {
      const r = await db.execute<{
        id: string;
        course_id: string;
        expires_at: Date | null;
        revoked: boolean;
        hashes: string[] | null;
      }>(sql`
        SELECT b.id, b.course_id, b.expires_at, b.revoked_at IS NOT NULL AS revoked,
               CASE WHEN b.revoked_at IS NULL THEN
                 (SELECT array_agg(v.code_hash ORDER BY v.position) FROM vouchers v
                   WHERE v.batch_id = b.id AND NOT EXISTS (SELECT 1 FROM voucher_redemptions r WHERE r.voucher_id = v.id))
               END AS hashes
          FROM voucher_batches b ORDER BY b.created_at`);
      return {
        batches: r.rows.map((b) => ({
          batchId: b.id,
          courseId: b.course_id,
          expiresAt: b.expires_at ? new Date(b.expires_at).toISOString() : null,
          revoked: b.revoked,
          hashes: b.hashes ?? [],
        })),
      };
    },

    /**
     * Redeem a code for the user, exactly once: the redemption's primary key is the voucher, so of two students
     * racing for one code one wins and the other is refused voucher_used. The same student redeeming their own code
     * again (a retried request, the sync mutation after the online call) is answered as redeemed, not refused.
     * The enrollment (source voucher) is granted in the same transaction.
     */
    async redeem(userId: string, rawCode: string, opts: RedeemOptions): Promise<VoucherRedemption> {
      const asked = opts.courseId ?? null;
      const code = normaliseVoucherCode(rawCode);
      if (!code) throw refusal('voucher_invalid', 'This is not a valid voucher code', asked);
      const found = await db.execute<{
        id: string;
        course_id: string;
        expires_at: Date | null;
        revoked_at: Date | null;
      }>(sql`
        SELECT v.id, b.course_id, b.expires_at, b.revoked_at
          FROM vouchers v JOIN voucher_batches b ON b.id = v.batch_id WHERE v.code_hash = ${voucherHash(code)}`);
      const voucher = found.rows[0];
      if (!voucher) throw refusal('voucher_invalid', 'No voucher has this code', asked);
      if (asked && voucher.course_id !== asked)
        throw refusal('voucher_wrong_course', 'This voucher is for another course', asked);
      const courseId = voucher.course_id;

      return db.transaction(async (tx) => {
        const mine = async (): Promise<VoucherRedemption | null> => {
          const r = await tx.execute<{ user_id: string }>(
            sql`SELECT user_id FROM voucher_redemptions WHERE voucher_id = ${voucher.id}`,
          );
          const owner = r.rows[0]?.user_id;
          if (!owner) return null;
          if (owner !== userId)
            throw refusal('voucher_used', 'This voucher was already used by another student', courseId);
          const { enrollment } = await grantEnrollment(tx, { userId, courseId, source: 'voucher' });
          return { courseId, enrollmentStatus: accessStatus(enrollment.status), redeemedNow: false };
        };
        const before = await mine();
        if (before) return before;
        if (voucher.revoked_at) throw refusal('voucher_revoked', 'This voucher batch was revoked', courseId);
        if (isExpired(voucher.expires_at ? new Date(voucher.expires_at) : null, Date.now(), opts.madeAt))
          throw refusal('voucher_expired', 'This voucher has expired', courseId);
        const current = await tx.execute<{ status: 'active' | 'completed' | 'dropped' | 'refunded' }>(
          sql`SELECT status FROM enrollments WHERE course_id = ${courseId} AND user_id = ${userId}`,
        );
        const status = current.rows[0]?.status;
        if (status && hasAccess(status)) {
          // Already has the course: the code is not used up. Offline, the wish "have the course" holds.
          if (opts.via === 'sync')
            return { courseId, enrollmentStatus: accessStatus(status), redeemedNow: false };
          throw new ApiError(
            'already_enrolled',
            'You already have this course; keep the code for someone else',
            {
              courseId,
              status,
            },
          );
        }
        const inserted = await tx.execute(sql`
          INSERT INTO voucher_redemptions (voucher_id, user_id, course_id, via, mutation_id)
          VALUES (${voucher.id}, ${userId}, ${courseId}, ${opts.via}, ${opts.mutationId ?? null})
          ON CONFLICT (voucher_id) DO NOTHING RETURNING voucher_id`);
        if (inserted.rows.length === 0) {
          // Another transaction redeemed it between our look and our insert.
          const after = await mine();
          if (after) return after;
        }
        const { enrollment } = await grantEnrollment(tx, { userId, courseId, source: 'voucher' });
        return { courseId, enrollmentStatus: accessStatus(enrollment.status), redeemedNow: true };
      });
    },
  };
}
export type VoucherService = ReturnType<typeof voucherService>;

const accessStatus = (s: string): 'active' | 'completed' => (s === 'completed' ? 'completed' : 'active');
