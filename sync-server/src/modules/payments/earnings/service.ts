import { sql } from 'drizzle-orm';
import type { TeachingEarnings, TeachingEarningsQuery } from '@lyceum/contracts';
import type { Db } from '../../../db/client.ts';
import { ApiError } from '../../../http/errors.ts';
import type { Caller } from '../../../http/route.ts';
import { ledgerRevenue, revenueRange, zeroTotals } from '../admin-reports.ts';

/** The courses an instructor teaches (owner or co-instructor): for the filter and the zero rows. */
const taughtBy = (instructorId: string) => sql`(
  SELECT c.id FROM courses c WHERE c.owner_id = ${instructorId}
  UNION SELECT ci.course_id FROM course_instructors ci WHERE ci.user_id = ${instructorId})`;

/**
 * An instructor's earnings per course (Teach, issue 13): the ledger's charges and refunds of the orders for the
 * courses they teach, per course, per UTC day and in total, per currency. An instructor reads their own; an admin
 * anyone's (instructorId).
 */
export function earningsService(db: Db) {
  return {
    async forCaller(caller: Caller, q: TeachingEarningsQuery): Promise<TeachingEarnings> {
      const instructorId = q.instructorId ?? caller.id;
      if (instructorId !== caller.id && caller.role !== 'admin')
        throw new ApiError('forbidden', "Only admins may read another instructor's earnings");
      if (instructorId !== caller.id) {
        const u = await db.execute(sql`SELECT 1 FROM users WHERE id = ${instructorId}`);
        if (!u.rows.length) throw new ApiError('not_found', 'No such instructor');
      }
      const range = revenueRange(q);
      const courses = taughtBy(instructorId);
      const revenue = await ledgerRevenue(db, range, sql` AND o.course_id IN ${courses}`);
      // Courses for sale that sold nothing in the range are listed too, with zeros (in their price's currency).
      const forSale = await db.execute<{ id: string; title: string; currency: string }>(sql`
        SELECT id, title, COALESCE(currency, 'USD') AS currency FROM courses
         WHERE id IN ${courses} AND price_cents > 0 ORDER BY title, id`);
      const listed = new Set(revenue.courses.map((c) => c.courseId));
      const unsold = forSale.rows
        .filter((c) => !listed.has(c.id))
        .map((c) => ({ ...zeroTotals(c.currency), courseId: c.id, title: c.title }));
      return {
        instructorId,
        from: range.from.toISOString(),
        to: range.to.toISOString(),
        totals: revenue.totals,
        daily: revenue.daily,
        courses: [...revenue.courses, ...unsold],
      };
    },
  };
}
export type EarningsService = ReturnType<typeof earningsService>;
