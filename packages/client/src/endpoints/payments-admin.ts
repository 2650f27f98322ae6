import { z } from 'zod';
import {
  AdminOrderList,
  AdminOrderQuery,
  Coupon,
  CouponCreate,
  CouponList,
  CouponListQuery,
  InsightQuery,
  OrderTimeline,
  ReconciliationQuery,
  ReconciliationReport,
  Refund,
  RevenueQuery,
  RevenueReport,
  SalesInsights,
  TeachingEarnings,
  TeachingEarningsQuery,
  VoucherBatch,
  VoucherBatchCreate,
  VoucherBatchCreated,
  VoucherBatchList,
  VoucherBatchStatus,
} from '@lyceum/contracts';
import type { Endpoint } from '../http.ts';

type AnyEndpoint = Endpoint<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | null>;

/**
 * What the admin console (and course staff) call about payments: orders and their timeline, revenue, reconciliation,
 * coupons, voucher batches, and the analytics side's sales figures. A batch's CSV is a file, fetched directly.
 */
export const paymentAdminEndpoints = {
  adminSearchOrders: {
    method: 'GET',
    path: '/api/v1/admin/payments/orders',
    query: AdminOrderQuery.partial(),
    response: AdminOrderList,
  },
  adminOrderTimeline: {
    method: 'GET',
    path: '/api/v1/admin/payments/orders/:id/timeline',
    response: OrderTimeline,
  },
  myTeachingEarnings: {
    method: 'GET',
    path: '/api/v1/me/teaching/earnings',
    query: TeachingEarningsQuery,
    response: TeachingEarnings,
  },
  adminPaymentRevenue: {
    method: 'GET',
    path: '/api/v1/admin/payments/revenue',
    query: RevenueQuery,
    response: RevenueReport,
  },
  paymentReconciliation: {
    method: 'GET',
    path: '/api/v1/admin/payments/reconciliation',
    query: ReconciliationQuery,
    response: ReconciliationReport,
  },
  listOrderRefunds: {
    method: 'GET',
    path: '/api/v1/orders/:id/refunds',
    response: z.object({ items: z.array(Refund) }),
  },
  createCoupon: { method: 'POST', path: '/api/v1/coupons', body: CouponCreate, response: Coupon },
  listCoupons: { method: 'GET', path: '/api/v1/coupons', query: CouponListQuery, response: CouponList },
  createVoucherBatch: {
    method: 'POST',
    path: '/api/v1/courses/:id/voucher-batches',
    body: VoucherBatchCreate,
    response: VoucherBatchCreated,
  },
  listVoucherBatches: {
    method: 'GET',
    path: '/api/v1/courses/:id/voucher-batches',
    response: VoucherBatchList,
  },
  getVoucherBatch: { method: 'GET', path: '/api/v1/voucher-batches/:id', response: VoucherBatchStatus },
  revokeVoucherBatch: {
    method: 'POST',
    path: '/api/v1/voucher-batches/:id/revoke',
    body: z.object({}).strict(),
    response: VoucherBatch,
  },
  analyticsSales: {
    method: 'GET',
    path: '/api/v1/analytics/sales',
    query: InsightQuery,
    response: SalesInsights,
  },
} as const satisfies Record<string, AnyEndpoint>;
