import { and, desc, eq, sql } from 'drizzle-orm';
import type { Order } from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import type { Caller } from '../../http/route.ts';
import { orders, type OrderRow } from './tables.ts';

export const toOrder = (r: OrderRow, courseTitle: string): Order => ({
  id: r.id,
  userId: r.userId,
  courseId: r.courseId,
  courseTitle,
  status: r.status,
  amountMinor: r.amountMinor,
  listAmountMinor: r.listAmountMinor,
  currency: r.currency,
  couponId: r.couponId,
  refundedMinor: r.refundedMinor,
  gateway: r.gateway,
  checkoutUrl: r.status === 'pending' ? r.checkoutUrl : null,
  failureCode: r.failureCode,
  failureMessage: r.failureMessage,
  createdAt: r.createdAt.toISOString(),
  paidAt: r.paidAt?.toISOString() ?? null,
});

/** Reading orders: the student who placed one, or an admin. */
export function orderReads(db: Db, courseTitles: (ids: string[]) => Promise<Map<string, string>>) {
  async function dto(rows: OrderRow[]): Promise<Order[]> {
    const titles = await courseTitles([...new Set(rows.map((r) => r.courseId))]);
    return rows.map((r) => toOrder(r, titles.get(r.courseId) ?? ''));
  }
  return {
    async byId(id: string): Promise<OrderRow | undefined> {
      const [row] = await db.select().from(orders).where(eq(orders.id, id));
      return row;
    },
    /** An order as its owner or an admin sees it; anyone else gets 404 (an order's existence is private). */
    async get(id: string, caller: Caller): Promise<Order> {
      const [row] = await db.select().from(orders).where(eq(orders.id, id));
      if (!row || (row.userId !== caller.id && caller.role !== 'admin'))
        throw new ApiError('not_found', 'Order not found');
      return (await dto([row]))[0]!;
    },
    async mine(userId: string): Promise<Order[]> {
      const rows = await db
        .select()
        .from(orders)
        .where(eq(orders.userId, userId))
        .orderBy(desc(orders.createdAt))
        .limit(500);
      return dto(rows);
    },
    /** The open order of a student for a course, if any. */
    async pendingFor(userId: string, courseId: string): Promise<OrderRow | undefined> {
      const [row] = await db
        .select()
        .from(orders)
        .where(and(eq(orders.userId, userId), eq(orders.courseId, courseId), eq(orders.status, 'pending')));
      return row;
    },
    /** Paid (or since refunded) orders in a period, for reconciliation. */
    async paidSince(since: Date): Promise<OrderRow[]> {
      return db
        .select()
        .from(orders)
        .where(
          and(
            sql`${orders.status} IN ('paid', 'refunded', 'partially_refunded')`,
            sql`${orders.paidAt} >= ${since.toISOString()}`,
            sql`${orders.gateway} <> 'none'`,
          ),
        );
    },
  };
}
export type OrderReads = ReturnType<typeof orderReads>;
