import type { InsightQuery, InsightRange } from '@lyceum/contracts';
import { ApiError } from '../../../http/errors.ts';
import type { Caller } from '../../../http/route.ts';

const HOUR = 3_600_000;
const SPANS: Record<NonNullable<InsightQuery['last']>, number> = {
  '1h': HOUR,
  '24h': 24 * HOUR,
  '7d': 7 * 24 * HOUR,
  '30d': 30 * 24 * HOUR,
  '365d': 365 * 24 * HOUR,
};
const MAX_SPAN = 400 * 24 * HOUR;

/** The range [from, to) of a query: explicit instants, or a preset counted back from now (default 7 days). */
export function resolveRange(q: InsightQuery, now: Date): InsightRange {
  const course = q.courseId ? { courseId: q.courseId } : {};
  if (q.from === undefined && q.to === undefined) {
    const to = now.getTime();
    return { from: new Date(to - SPANS[q.last ?? '7d']).toISOString(), to: now.toISOString(), ...course };
  }
  if (q.last !== undefined) throw new ApiError('validation_failed', 'Give either from/to or last, not both');
  const from = q.from ? Date.parse(q.from) : NaN;
  const to = q.to ? Date.parse(q.to) : now.getTime();
  if (!Number.isFinite(from)) throw new ApiError('validation_failed', 'from is required when to is given');
  if (to <= from) throw new ApiError('validation_failed', 'from must be before to');
  if (to - from > MAX_SPAN) throw new ApiError('validation_failed', 'A range may span at most 400 days');
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...course };
}

/**
 * Who may read insights of what: admins anything; instructors one course they teach at a time (courseId required);
 * others nothing (the route's access already stops students).
 */
export async function authorizeScope(
  user: Caller,
  courseId: string | undefined,
  isInstructor: (courseId: string, userId: string) => Promise<boolean>,
): Promise<void> {
  if (user.role === 'admin') return;
  if (!courseId)
    throw new ApiError(
      'forbidden',
      'Instructors see insights one course at a time: pass the courseId of your course',
    );
  if (!(await isInstructor(courseId, user.id)))
    throw new ApiError('forbidden', 'You can see insights only for courses you teach');
}
