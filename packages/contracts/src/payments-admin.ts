import { z } from 'zod';
import { Id, IsoDateTime, Text } from './common.ts';
import { Currency } from './catalog.ts';
import { Order, OrderStatus } from './payments.ts';

/**
 * What the admin console reads about payments (issue 13): order search, an order's timeline, revenue from the
 * ledger, and the analytics side's sales figures (revenue and the catalog view → checkout → paid funnel, from the
 * events the transactional outbox relayed).
 */

// ---------- order search ----------

export const AdminOrderQuery = z
  .object({
    /** Part of the student's email or name, the course title, or an order id / payment intent id. */
    q: Text().trim().max(200).optional(),
    status: OrderStatus.optional(),
    courseId: Id.optional(),
    /** Orders created at or after / before these instants. */
    from: IsoDateTime.optional(),
    to: IsoDateTime.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();
export type AdminOrderQuery = z.infer<typeof AdminOrderQuery>;

export const AdminOrder = Order.extend({
  userEmail: z.string(),
  userName: z.string(),
  paymentIntentId: z.string().nullable(),
}).meta({ id: 'AdminOrder' });
export type AdminOrder = z.infer<typeof AdminOrder>;

export const AdminOrderList = z
  .object({ items: z.array(AdminOrder), total: z.number().int() })
  .meta({ id: 'AdminOrderList' });
export type AdminOrderList = z.infer<typeof AdminOrderList>;

// ---------- an order's timeline ----------

export const OrderTimelineKind = z.enum(['order', 'gateway_event', 'transaction', 'refund', 'ledger']);
export type OrderTimelineKind = z.infer<typeof OrderTimelineKind>;

export const OrderTimelineEntry = z.object({
  at: IsoDateTime,
  kind: OrderTimelineKind,
  /** The gateway's event type (checkout.session.completed), the transaction kind, the order's step… */
  type: z.string(),
  /** The gateway's event id, a transaction's gateway reference, a refund's reason. */
  ref: z.string().nullable(),
  /** What the server did with a gateway event (fulfilled, duplicate…) or a refund's status. */
  outcome: z.string().nullable(),
  /** Signed for the ledger (refunds negative). */
  amountMinor: z.number().int().nullable(),
  currency: z.string().nullable(),
});
export type OrderTimelineEntry = z.infer<typeof OrderTimelineEntry>;

export const OrderTimeline = z
  .object({ order: AdminOrder, entries: z.array(OrderTimelineEntry) })
  .meta({ id: 'OrderTimeline' });
export type OrderTimeline = z.infer<typeof OrderTimeline>;

// ---------- revenue (ledger) ----------

export const RevenueQuery = z
  .object({
    from: IsoDateTime.optional(),
    to: IsoDateTime.optional(),
    courseId: Id.optional(),
  })
  .strict();
export type RevenueQuery = z.infer<typeof RevenueQuery>;

const MoneyTotals = z.object({
  currency: Currency,
  /** Charges taken by the gateway. */
  grossMinor: z.number().int(),
  /** Refunded (a positive number). */
  refundedMinor: z.number().int(),
  netMinor: z.number().int(),
  /** Orders paid in the range. */
  orders: z.number().int(),
});

export const RevenueReport = z
  .object({
    from: IsoDateTime,
    to: IsoDateTime,
    totals: z.array(MoneyTotals),
    /** One row per UTC day and currency, every day of the range (zeros included). */
    daily: z.array(MoneyTotals.extend({ day: z.string() })),
    courses: z.array(MoneyTotals.extend({ courseId: Id, title: z.string() })),
  })
  .meta({ id: 'RevenueReport' });
export type RevenueReport = z.infer<typeof RevenueReport>;

// ---------- analytics: sales figures from the relayed purchase events ----------

export const SalesFunnelStep = z.enum(['viewed', 'checkout', 'paid']);
export type SalesFunnelStep = z.infer<typeof SalesFunnelStep>;

export const SalesInsights = z
  .object({
    range: z.object({ from: IsoDateTime, to: IsoDateTime, courseId: Text().nullable() }),
    /** Purchases per UTC day and currency (gross, as the purchase events carry it). */
    revenue: z.array(
      z.object({
        day: z.string(),
        currency: Currency,
        amountMinor: z.number().int(),
        purchases: z.number().int(),
      }),
    ),
    /** Learner–course pairs that reached each step in the range. */
    funnel: z.array(z.object({ step: SalesFunnelStep, count: z.number().int() })),
    courses: z.array(
      z.object({
        courseId: Id,
        title: z.string(),
        currency: Currency,
        amountMinor: z.number().int(),
        viewed: z.number().int(),
        checkout: z.number().int(),
        paid: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'SalesInsights' });
export type SalesInsights = z.infer<typeof SalesInsights>;
