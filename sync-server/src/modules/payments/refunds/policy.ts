import type { RefundPolicyRefusal } from '@lyceum/contracts';

export interface RefundPolicy {
  /** At most this many days after the purchase. */
  maxDays: number;
  /** With at most this share of the course's required lessons completed (percent). */
  maxProgressPercent: number;
}

/**
 * Whether an instructor or the student may refund an order (admins always may): within `maxDays` of payment and
 * with at most `maxProgressPercent` of the course completed. Answers null when allowed, else which rule refused it.
 */
export function refundRefusal(
  policy: RefundPolicy,
  facts: { paidAt: Date; progressPercent: number; now?: Date },
): RefundPolicyRefusal | null {
  const now = facts.now ?? new Date();
  const daysSincePurchase = Math.max(0, (now.getTime() - facts.paidAt.getTime()) / 86_400_000);
  const base = {
    maxDays: policy.maxDays,
    maxProgressPercent: policy.maxProgressPercent,
    daysSincePurchase: Math.round(daysSincePurchase * 10) / 10,
    progressPercent: facts.progressPercent,
  };
  if (daysSincePurchase > policy.maxDays) return { rule: 'window', ...base };
  if (facts.progressPercent > policy.maxProgressPercent) return { rule: 'progress', ...base };
  return null;
}

export function refusalMessage(r: RefundPolicyRefusal): string {
  return r.rule === 'window'
    ? `Refunds are possible within ${r.maxDays} days of purchase; this one was ${r.daysSincePurchase} days ago`
    : `Refunds are possible while at most ${r.maxProgressPercent} % of the course is done; ${r.progressPercent} % is`;
}
