import { z } from 'zod';
import { IsoDateTime, TeachingEarnings } from '@lyceum/contracts';

/** GET /api/teach/earnings: the last 7, 30, 90 or 365 days (default 30). */
export const EarningsRange = z.enum(['7d', '30d', '90d', '365d']);
export type EarningsRange = z.infer<typeof EarningsRange>;
export const EarningsQuery = z.object({ last: EarningsRange.default('30d') }).strict();
export type EarningsQuery = z.infer<typeof EarningsQuery>;

/** An instructor's earnings as Teach shows them: from the server now, or the last copy when offline. */
export const EarningsView = z.object({
  earnings: TeachingEarnings,
  range: EarningsRange,
  source: z.enum(['server', 'cache']),
  /** When the figures were fetched from the server ("as of"). */
  fetchedAt: IsoDateTime,
  /** Seconds since then (0 when just fetched). */
  ageSeconds: z.number().nonnegative(),
  offline: z.boolean(),
});
export type EarningsView = z.infer<typeof EarningsView>;
