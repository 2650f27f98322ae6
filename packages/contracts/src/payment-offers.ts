import { z } from 'zod';
import { Id, IsoDateTime, Text } from './common.ts';
import { Currency } from './catalog.ts';

/**
 * Payment offers (issue 13): coupons, refunds, school vouchers, receipts. Money is integer minor units plus an
 * ISO 4217 currency; the server computes every amount.
 */

const Minor = z.number().int().min(0).max(100_000_000);

// ---------- coupons ----------

/** Coupon codes are case-insensitive; stored and compared upper-case. */
export const CouponCode = Text()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9_-]{3,40}$/, '3 to 40 letters, digits, dashes or underscores'));

export const CouponCreate = z
  .object({
    code: CouponCode,
    /** Exactly one of percentOff and amountOff. */
    percentOff: z.number().int().min(1).max(100).optional(),
    amountOff: z
      .object({ amountMinor: Minor.min(1), currency: Currency })
      .strict()
      .optional(),
    /** One course; omitted: every course (admins only). */
    courseId: Id.optional(),
    expiresAt: IsoDateTime.optional(),
    maxRedemptions: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict()
  .refine((c) => (c.percentOff === undefined) !== (c.amountOff === undefined), {
    message: 'Give exactly one of percentOff and amountOff',
    path: ['percentOff'],
  })
  .meta({ id: 'CouponCreate' });
export type CouponCreate = z.infer<typeof CouponCreate>;

export const Coupon = z
  .object({
    id: Id,
    code: z.string(),
    percentOff: z.number().int().nullable(),
    amountOff: z.object({ amountMinor: Minor, currency: Currency }).nullable(),
    courseId: Id.nullable(),
    expiresAt: IsoDateTime.nullable(),
    maxRedemptions: z.number().int().nullable(),
    redeemedCount: z.number().int(),
    createdBy: Id,
    createdAt: IsoDateTime,
  })
  .meta({ id: 'Coupon' });
export type Coupon = z.infer<typeof Coupon>;

export const CouponList = z.object({ items: z.array(Coupon) }).meta({ id: 'CouponList' });
export type CouponList = z.infer<typeof CouponList>;

export const CouponListQuery = z.object({ courseId: Id.optional() }).strict();

// ---------- refunds ----------

export const RefundRequest = z
  .object({
    /** Minor units; omitted: everything not refunded yet. */
    amount: Minor.min(1).optional(),
    reason: Text().trim().min(1).max(500),
  })
  .strict()
  .meta({ id: 'RefundRequest' });
export type RefundRequest = z.infer<typeof RefundRequest>;

/**
 * The Idempotency-Key header of a refund request (as Stripe's): the same key again answers the first answer and
 * refunds once; with another request it is refused (422 idempotency_key_reused). Printable ASCII, at most 255.
 */
export const IdempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

export const RefundStatus = z.enum(['pending', 'succeeded', 'failed']);

export const Refund = z
  .object({
    id: Id,
    orderId: Id,
    amountMinor: Minor,
    currency: Currency,
    reason: z.string(),
    status: RefundStatus,
    requestedAs: z.enum(['admin', 'instructor', 'student', 'gateway']),
    /** The order after the refund. */
    orderStatus: z.string(),
    orderRefundedMinor: Minor,
    createdAt: IsoDateTime,
  })
  .meta({ id: 'Refund' });
export type Refund = z.infer<typeof Refund>;

export const RefundList = z.object({ items: z.array(Refund) }).meta({ id: 'RefundList' });
export type RefundList = z.infer<typeof RefundList>;

/** Details of refund_not_allowed: which rule of the policy refused it. */
export const RefundPolicyRefusal = z.object({
  rule: z.enum(['window', 'progress']),
  maxDays: z.number().int(),
  maxProgressPercent: z.number(),
  daysSincePurchase: z.number(),
  progressPercent: z.number(),
});
export type RefundPolicyRefusal = z.infer<typeof RefundPolicyRefusal>;

// ---------- vouchers ----------

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A voucher code as typed: upper-cased, dashes and spaces removed, O read as 0 and I, L as 1 (Crockford base32).
 * Answers null unless 16 valid characters remain.
 */
export function normaliseVoucherCode(input: string): string | null {
  const s = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (s.length !== 16) return null;
  for (const ch of s) if (!CROCKFORD.includes(ch)) return null;
  return s;
}

/** XXXX-XXXX-XXXX-XXXX. */
export const formatVoucherCode = (normalised: string): string => normalised.match(/.{1,4}/g)!.join('-');

/** The Crockford alphabet, for the server's code generator. */
export const VOUCHER_ALPHABET = CROCKFORD;

export const VoucherCodeInput = Text().max(64);

export const VoucherBatchCreate = z
  .object({
    count: z.number().int().min(1).max(5000),
    expiresAt: IsoDateTime.optional(),
    label: Text().trim().max(120).optional(),
  })
  .strict()
  .meta({ id: 'VoucherBatchCreate' });
export type VoucherBatchCreate = z.infer<typeof VoucherBatchCreate>;

export const VoucherBatch = z
  .object({
    id: Id,
    courseId: Id,
    label: z.string(),
    count: z.number().int(),
    redeemed: z.number().int(),
    expiresAt: IsoDateTime.nullable(),
    revokedAt: IsoDateTime.nullable(),
    createdBy: Id,
    createdAt: IsoDateTime,
  })
  .meta({ id: 'VoucherBatch' });
export type VoucherBatch = z.infer<typeof VoucherBatch>;

/** The answer to creating a batch: the only time the codes are answered as JSON (CSV export aside). */
export const VoucherBatchCreated = VoucherBatch.extend({
  /** XXXX-XXXX-XXXX-XXXX. */
  codes: z.array(z.string()),
}).meta({ id: 'VoucherBatchCreated' });
export type VoucherBatchCreated = z.infer<typeof VoucherBatchCreated>;

export const VoucherBatchList = z.object({ items: z.array(VoucherBatch) }).meta({ id: 'VoucherBatchList' });

/** Redemption status of each code of a batch (codes shown by their last 4 characters). */
export const VoucherBatchStatus = VoucherBatch.extend({
  codes: z.array(
    z.object({
      position: z.number().int(),
      hint: z.string(),
      redeemedBy: z.object({ id: Id, name: z.string(), email: z.string() }).nullable(),
      redeemedAt: IsoDateTime.nullable(),
      via: z.enum(['online', 'sync']).nullable(),
    }),
  ),
}).meta({ id: 'VoucherBatchStatus' });
export type VoucherBatchStatus = z.infer<typeof VoucherBatchStatus>;

/** For offline verification on a device: hex SHA-256 of each normalised code not yet redeemed. */
export const VoucherVerifiers = z
  .object({
    batches: z.array(
      z.object({
        batchId: Id,
        courseId: Id,
        expiresAt: IsoDateTime.nullable(),
        revoked: z.boolean(),
        hashes: z.array(z.string()),
      }),
    ),
  })
  .meta({ id: 'VoucherVerifiers' });
export type VoucherVerifiers = z.infer<typeof VoucherVerifiers>;

export const VoucherRedeemRequest = z
  .object({ code: VoucherCodeInput })
  .strict()
  .meta({ id: 'VoucherRedeemRequest' });

/** A redeemed voucher (online answer, and the redeemVoucher mutation's result). */
export const VoucherRedemption = z
  .object({
    courseId: Id,
    enrollmentStatus: z.enum(['active', 'completed']),
    /** False when the code was already this student's (a retry): nothing new was used. */
    redeemedNow: z.boolean(),
  })
  .meta({ id: 'VoucherRedemption' });
export type VoucherRedemption = z.infer<typeof VoucherRedemption>;

/** Arguments of the redeemVoucher sync mutation (the course the device unlocked offline). */
export const RedeemVoucherArgs = z.object({ code: VoucherCodeInput, courseId: Id }).strict();
export type RedeemVoucherArgs = z.infer<typeof RedeemVoucherArgs>;

/** Details of a voucher_* rejection: the course the device must lock again. */
export const VoucherRejectionDetails = z.object({ courseId: Id.nullable() });
