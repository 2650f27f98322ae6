import { sql, type SQL } from 'drizzle-orm';
import type {
  AdminOrder,
  AdminOrderList,
  AdminOrderQuery,
  OrderTimeline,
  OrderTimelineEntry,
  RevenueQuery,
  RevenueReport,
} from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import { daysBetween, dayBounds } from '../analytics/insights/range.ts';
import { toOrder } from './orders.ts';
import type { OrderRow } from './tables.ts';

const DAY_MS = 86_400_000;

type OrderJoinRow = Record<string, unknown> & {
  id: string;
  user_id: string;
  course_id: string;
  course_title: string | null;
  user_email: string | null;
  user_name: string | null;
};

/** A row of `orders` read with raw SQL (snake_case) as the drizzle row toOrder takes. */
function orderRow(r: OrderJoinRow): OrderRow {
  const d = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  return {
    id: r.id,
    userId: r.user_id,
    courseId: r.course_id,
    status: r.status as OrderRow['status'],
    amountMinor: Number(r.amount_minor),
    listAmountMinor: Number(r.list_amount_minor),
    currency: r.currency as string,
    couponId: (r.coupon_id as string | null) ?? null,
    gateway: r.gateway as OrderRow['gateway'],
    gatewaySessionId: (r.gateway_session_id as string | null) ?? null,
    checkoutUrl: (r.checkout_url as string | null) ?? null,
    paymentIntentId: (r.payment_intent_id as string | null) ?? null,
    refundedMinor: Number(r.refunded_minor),
    failureCode: (r.failure_code as string | null) ?? null,
    failureMessage: (r.failure_message as string | null) ?? null,
    createdAt: d(r.created_at)!,
    updatedAt: d(r.updated_at)!,
    paidAt: d(r.paid_at),
  };
}

const adminOrder = (r: OrderJoinRow): AdminOrder => {
  const row = orderRow(r);
  return {
    ...toOrder(row, r.course_title ?? ''),
    userEmail: r.user_email ?? '',
    userName: r.user_name ?? '',
    paymentIntentId: row.paymentIntentId,
  };
};

const SELECT_ORDERS = sql`SELECT o.*, c.title AS course_title, u.email AS user_email, u.name AS user_name
  FROM orders o LEFT JOIN courses c ON c.id = o.course_id LEFT JOIN users u ON u.id = o.user_id`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `%`, `_` and `\` match themselves in a LIKE pattern. */
const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The range a revenue query covers: the given instants, else the last 30 days. */
export function revenueRange(q: Pick<RevenueQuery, 'from' | 'to'>, now = new Date()) {
  const to = q.to ? new Date(q.to) : now;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * DAY_MS);
  if (from.getTime() >= to.getTime()) throw new ApiError('validation_failed', 'from must be before to');
  if (to.getTime() - from.getTime() > 400 * DAY_MS)
    throw new ApiError('validation_failed', 'A range covers at most 400 days');
  return { from, to };
}

type Totals = RevenueReport['totals'][number];

/**
 * Charges and refunds from the ledger in [from, to), per currency, per UTC day and currency (every day, zeros
 * included) and per course and currency, for the orders `cond` keeps (an SQL fragment starting with AND, over `o`).
 */
export async function ledgerRevenue(
  db: Db,
  { from, to }: { from: Date; to: Date },
  cond: SQL,
): Promise<Pick<RevenueReport, 'totals' | 'daily' | 'courses'>> {
  const r = await db.execute<{
    day: string;
    course_id: string;
    title: string | null;
    currency: string;
    gross: string;
    refunded: string;
    orders: string;
  }>(sql`
    SELECT to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, o.course_id, c.title, l.currency,
           COALESCE(sum(l.amount_minor) FILTER (WHERE l.kind = 'charge'), 0) AS gross,
           COALESCE(-sum(l.amount_minor) FILTER (WHERE l.kind = 'refund'), 0) AS refunded,
           count(DISTINCT l.order_id) FILTER (WHERE l.kind = 'charge') AS orders
      FROM ledger_entries l JOIN orders o ON o.id = l.order_id LEFT JOIN courses c ON c.id = o.course_id
     WHERE l.kind IN ('charge', 'refund') AND l.created_at >= ${from.toISOString()}::timestamptz
       AND l.created_at < ${to.toISOString()}::timestamptz${cond}
     GROUP BY 1, 2, 3, 4`);
  const add = (m: Map<string, Totals>, key: string, base: Totals, row: (typeof r.rows)[number]) => {
    const t = m.get(key) ?? { ...base };
    t.grossMinor += Number(row.gross);
    t.refundedMinor += Number(row.refunded);
    t.netMinor = t.grossMinor - t.refundedMinor;
    t.orders += Number(row.orders);
    m.set(key, t);
    return t;
  };
  const totals = new Map<string, Totals>();
  const daily = new Map<string, Totals & { day: string }>();
  const courses = new Map<string, Totals & { courseId: string; title: string }>();
  for (const row of r.rows) {
    add(totals, row.currency, zeroTotals(row.currency), row);
    add(daily, `${row.day}|${row.currency}`, { ...zeroTotals(row.currency), day: row.day } as Totals, row);
    add(
      courses,
      `${row.course_id}|${row.currency}`,
      { ...zeroTotals(row.currency), courseId: row.course_id, title: row.title ?? '' } as Totals,
      row,
    );
  }
  const { fromDay, toDay } = dayBounds({ from: from.toISOString(), to: to.toISOString() });
  const currencies = [...totals.keys()].sort();
  const days = daysBetween(fromDay, toDay).flatMap((day) =>
    currencies.map((c) => daily.get(`${day}|${c}`) ?? { ...zeroTotals(c), day }),
  );
  return {
    totals: currencies.map((c) => totals.get(c)!),
    daily: days as RevenueReport['daily'],
    courses: ([...courses.values()] as RevenueReport['courses']).sort(
      (a, b) => b.netMinor - a.netMinor || a.title.localeCompare(b.title),
    ),
  };
}

export const zeroTotals = (currency: string): Totals => ({
  currency,
  grossMinor: 0,
  refundedMinor: 0,
  netMinor: 0,
  orders: 0,
});

/** Admin reads over the payments tables: order search, an order's timeline, revenue from the ledger. */
export function adminReports(db: Db) {
  async function orderById(id: string): Promise<AdminOrder> {
    const r = await db.execute<OrderJoinRow>(sql`${SELECT_ORDERS} WHERE o.id = ${id}`);
    if (!r.rows[0]) throw new ApiError('not_found', 'Order not found');
    return adminOrder(r.rows[0]);
  }

  return {
    /** Orders newest first, filtered by status, course, creation time and a free-text search. */
    async searchOrders(q: AdminOrderQuery): Promise<AdminOrderList> {
      const where: SQL[] = [];
      if (q.status) where.push(sql`o.status = ${q.status}`);
      if (q.courseId) where.push(sql`o.course_id = ${q.courseId}`);
      if (q.from) where.push(sql`o.created_at >= ${q.from}::timestamptz`);
      if (q.to) where.push(sql`o.created_at < ${q.to}::timestamptz`);
      if (q.q) {
        const like = likePattern(q.q);
        const exact = UUID.test(q.q) ? sql` OR o.id = ${q.q}::uuid` : sql``;
        where.push(
          sql`(u.email ILIKE ${like} OR u.name ILIKE ${like} OR c.title ILIKE ${like} OR o.payment_intent_id = ${q.q}${exact})`,
        );
      }
      const cond = where.length ? sql` WHERE ${sql.join(where, sql` AND `)}` : sql``;
      const [rows, count] = await Promise.all([
        db.execute<OrderJoinRow>(
          sql`${SELECT_ORDERS}${cond} ORDER BY o.created_at DESC, o.id DESC LIMIT ${q.limit} OFFSET ${q.offset}`,
        ),
        db.execute<{ n: string }>(
          sql`SELECT count(*) AS n FROM orders o LEFT JOIN courses c ON c.id = o.course_id LEFT JOIN users u ON u.id = o.user_id${cond}`,
        ),
      ]);
      return { items: rows.rows.map(adminOrder), total: Number(count.rows[0]?.n ?? 0) };
    },

    /** The order and, oldest first, what happened to it: gateway events, money movements, refunds, ledger entries. */
    async timeline(orderId: string): Promise<OrderTimeline> {
      const order = await orderById(orderId);
      const r = await db.execute<{
        at: Date | string;
        kind: OrderTimelineEntry['kind'];
        type: string;
        ref: string | null;
        outcome: string | null;
        amount_minor: number | null;
        currency: string | null;
      }>(sql`
        SELECT received_at AS at, 'gateway_event' AS kind, type, id AS ref, outcome, NULL::int AS amount_minor, NULL AS currency
          FROM gateway_events WHERE order_id = ${orderId}
        UNION ALL
        SELECT created_at, 'transaction', kind, gateway_ref, status, amount_minor, currency
          FROM payment_transactions WHERE order_id = ${orderId}
        UNION ALL
        SELECT created_at, 'refund', requested_as, reason, status, amount_minor, currency
          FROM refunds WHERE order_id = ${orderId}
        UNION ALL
        SELECT created_at, 'ledger', kind, entry_key, memo, amount_minor, currency
          FROM ledger_entries WHERE order_id = ${orderId}
        ORDER BY at, kind`);
      const step = (at: string | null, type: string): OrderTimelineEntry[] =>
        at ? [{ at, kind: 'order', type, ref: null, outcome: null, amountMinor: null, currency: null }] : [];
      const entries: OrderTimelineEntry[] = [
        ...step(order.createdAt, 'created'),
        ...r.rows.map((e) => ({
          at: new Date(e.at).toISOString(),
          kind: e.kind,
          type: e.type,
          ref: e.ref,
          outcome: e.outcome,
          amountMinor: e.amount_minor === null ? null : Number(e.amount_minor),
          currency: e.currency,
        })),
        ...step(order.paidAt, 'paid'),
      ].sort((a, b) => a.at.localeCompare(b.at));
      return { order, entries };
    },

    /** Charges and refunds from the ledger, per UTC day and currency and per course. */
    async revenue(q: RevenueQuery): Promise<RevenueReport> {
      const range = revenueRange(q);
      const course = q.courseId ? sql` AND o.course_id = ${q.courseId}` : sql``;
      return {
        from: range.from.toISOString(),
        to: range.to.toISOString(),
        ...(await ledgerRevenue(db, range, course)),
      };
    },
  };
}
export type AdminReports = ReturnType<typeof adminReports>;
