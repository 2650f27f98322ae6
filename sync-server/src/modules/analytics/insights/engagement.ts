/**
 * The engagement score of a learner over a range, 0..100, from four signals, each mapped onto 0..1 with a
 * saturating curve so that no single one can be farmed:
 *
 *   activity  A = 1 − e^(−activeMinutes / 60)        an hour of active learning ≈ 0.63, three hours ≈ 0.95
 *   progress  P = 1 − e^(−lessonsCompleted / 5)      five lessons ≈ 0.63
 *   practice  Q = 1 − e^(−quizAttempts / 3)          finished quiz attempts (passed or failed); three ≈ 0.63
 *   recency   R = e^(−daysSinceLastActivity / 7)     active at the end of the range = 1, a week before ≈ 0.37
 *
 *   score = 100 × (0.40·A + 0.25·P + 0.15·Q + 0.20·R), rounded to 0.1
 *
 * Days are counted back from the end of the range, or from now if that is earlier. A learner with no activity in
 * the range scores 0. A course's engagement is the mean of its learners' scores in that course.
 */
export interface EngagementInputs {
  activeMs: number;
  lessonsCompleted: number;
  quizAttempts: number;
  /** Latest event time in the range (ms), null when none. */
  lastActiveAt: number | null;
}

export const ENGAGEMENT_WEIGHTS = { activity: 0.4, progress: 0.25, practice: 0.15, recency: 0.2 } as const;

const DAY_MS = 86_400_000;

export function engagementScore(x: EngagementInputs, asOf: number): number {
  if (x.lastActiveAt === null) return 0;
  const a = 1 - Math.exp(-Math.max(0, x.activeMs) / 60_000 / 60);
  const p = 1 - Math.exp(-x.lessonsCompleted / 5);
  const q = 1 - Math.exp(-x.quizAttempts / 3);
  const r = Math.exp(-Math.max(0, asOf - x.lastActiveAt) / DAY_MS / 7);
  const w = ENGAGEMENT_WEIGHTS;
  const score = 100 * (w.activity * a + w.progress * p + w.practice * q + w.recency * r);
  return Math.round(Math.min(100, Math.max(0, score)) * 10) / 10;
}

/** The instant recency is measured at: the end of the range, or now if that is earlier. */
export const engagementAsOf = (to: string, now: Date): number => Math.min(Date.parse(to), now.getTime());

export function sumInputs(xs: readonly EngagementInputs[]): EngagementInputs {
  let lastActiveAt: number | null = null;
  for (const x of xs)
    if (x.lastActiveAt !== null && (lastActiveAt === null || x.lastActiveAt > lastActiveAt))
      lastActiveAt = x.lastActiveAt;
  return {
    activeMs: xs.reduce((s, x) => s + x.activeMs, 0),
    lessonsCompleted: xs.reduce((s, x) => s + x.lessonsCompleted, 0),
    quizAttempts: xs.reduce((s, x) => s + x.quizAttempts, 0),
    lastActiveAt,
  };
}
