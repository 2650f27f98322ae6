import type pg from 'pg';
import {
  AdminOrderList,
  AdminOrderQuery,
  IdParams,
  InsightQuery,
  OrderTimeline,
  RevenueQuery,
  RevenueReport,
  SalesInsights,
} from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';
import { route, type AnyRoute } from '../../http/route.ts';
import { resolveRange } from '../analytics/api/scope.ts';
import { salesInsights } from '../analytics/insights/sales.ts';
import { adminReports } from './admin-reports.ts';
import { earningsRoutes } from './earnings/routes.ts';

/**
 * The admin console's reads over payments (issue 13): order search and an order's timeline, revenue from the
 * ledger (and each instructor's earnings in Teach); and, on the analytics side, revenue and the catalog view → checkout → paid funnel from relayed events.
 */
export function paymentAdminRoutes(deps: { db: Db; pool: pg.Pool; now?: () => Date }): AnyRoute[] {
  const reports = adminReports(deps.db);
  const now = deps.now ?? (() => new Date());
  const tags = ['payments'];
  return [
    route({
      method: 'get',
      path: '/api/v1/admin/payments/orders',
      operationId: 'adminSearchOrders',
      summary:
        'Orders, newest first: search by student email or name, course title, order or payment intent id; filter by status, course, creation time',
      tags,
      access: 'admin',
      query: AdminOrderQuery,
      response: AdminOrderList,
      handler: ({ query }) => reports.searchOrders(query),
    }),
    route({
      method: 'get',
      path: '/api/v1/admin/payments/orders/:id/timeline',
      operationId: 'adminOrderTimeline',
      summary:
        "An order and what happened to it, oldest first: the gateway's webhook events (with what the server did), charges, refunds and ledger entries",
      tags,
      access: 'admin',
      params: IdParams,
      response: OrderTimeline,
      errors: ['not_found'],
      handler: ({ params }) => reports.timeline(params.id),
    }),
    route({
      method: 'get',
      path: '/api/v1/admin/payments/revenue',
      operationId: 'adminPaymentRevenue',
      summary:
        'Charges, refunds and net revenue from the ledger per UTC day and currency, and per course (default: the last 30 days)',
      tags,
      access: 'admin',
      query: RevenueQuery,
      response: RevenueReport,
      handler: ({ query }) => reports.revenue(query),
    }),
    route({
      method: 'get',
      path: '/api/v1/analytics/sales',
      operationId: 'analyticsSales',
      summary:
        'Revenue per day and the catalog view → checkout → paid funnel, from the platform events the outbox relayed to analytics',
      tags: ['analytics'],
      access: 'admin',
      query: InsightQuery,
      response: SalesInsights,
      handler: ({ query }) => salesInsights(deps.pool, resolveRange(query, now())),
    }),
    ...earningsRoutes(deps.db),
  ];
}
