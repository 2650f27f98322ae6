import { z } from 'zod';
import { Id, IsoDateTime } from './common.ts';
import { Currency } from './catalog.ts';

// ---------- an instructor's earnings per course (Teach) ----------

/** The range (default: the last 30 days, at most 400) and, for an admin, whose earnings. */
export const TeachingEarningsQuery = z
  .object({
    from: IsoDateTime.optional(),
    to: IsoDateTime.optional(),
    /** Admins only: another instructor's earnings (an instructor sees their own courses only). */
    instructorId: Id.optional(),
  })
  .strict();
export type TeachingEarningsQuery = z.infer<typeof TeachingEarningsQuery>;

export const EarningsFigures = z.object({
  currency: Currency,
  /** Charges taken for the course in the range (net of tax). */
  grossMinor: z.number().int(),
  /** Refunds made in the range (a positive number). */
  refundedMinor: z.number().int(),
  netMinor: z.number().int(),
  /** Orders paid in the range. */
  orders: z.number().int(),
});
export type EarningsFigures = z.infer<typeof EarningsFigures>;

export const TeachingEarnings = z
  .object({
    instructorId: Id,
    from: IsoDateTime,
    to: IsoDateTime,
    /** One row per currency the instructor earned in. */
    totals: z.array(EarningsFigures),
    /** Every course the instructor teaches that is for sale or sold in the range, per currency (zeros included). */
    courses: z.array(EarningsFigures.extend({ courseId: Id, title: z.string() })),
    /** One row per UTC day and currency, every day of the range (zeros included). */
    daily: z.array(EarningsFigures.extend({ day: z.string() })),
  })
  .meta({ id: 'TeachingEarnings' });
export type TeachingEarnings = z.infer<typeof TeachingEarnings>;
