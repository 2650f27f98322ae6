import { CheckoutBody, OrderIdParam, RedeemBody, RefundBody } from '../../contracts/payments.ts';
import type { PaymentsService } from '../payments/service.ts';
import { CourseIdParam } from '../../contracts/app.ts';
import { parseInput, type LocalRoute } from './routes.ts';

/**
 * Buying courses: checkout, orders and receipts, refunds, codes (coupons and vouchers), notices of refunds. All but
 * the course's payment state and the notices need the server (`offline`, 503, otherwise); a voucher the device knows
 * is redeemed offline.
 */
export function paymentRoutes(s: { payments: PaymentsService }): LocalRoute[] {
  const course = (params: Record<string, string>) => parseInput(CourseIdParam, params, 'params').id;
  const order = (params: Record<string, string>) => parseInput(OrderIdParam, params, 'params').id;
  return [
    {
      method: 'GET',
      path: '/api/payments/courses/:id',
      handler: ({ params }) => s.payments.course(course(params)),
    },
    {
      method: 'POST',
      path: '/api/payments/courses/:id/checkout',
      status: 201,
      handler: ({ params, body }) =>
        s.payments.checkout(course(params), parseInput(CheckoutBody, body ?? {}, 'body')),
    },
    {
      method: 'POST',
      path: '/api/payments/redeem',
      handler: ({ body }) => s.payments.redeem(parseInput(RedeemBody, body, 'body')),
    },
    { method: 'GET', path: '/api/payments/orders', handler: () => s.payments.orders() },
    {
      method: 'GET',
      path: '/api/payments/orders/:id',
      handler: ({ params }) => s.payments.order(order(params)),
    },
    {
      method: 'POST',
      path: '/api/payments/orders/:id/refund',
      handler: ({ params, body }) => s.payments.refund(order(params), parseInput(RefundBody, body, 'body')),
    },
    {
      method: 'GET',
      path: '/api/payments/orders/:id/receipt',
      raw: true,
      handler: async ({ params, res }) => {
        const html = await s.payments.receipt(order(params));
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          // The server's page as it is, with nothing able to run or load from elsewhere.
          'content-security-policy':
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
          'x-content-type-options': 'nosniff',
        });
        res.end(html);
      },
    },
    { method: 'GET', path: '/api/payments/notices', handler: () => s.payments.notices() },
    {
      method: 'POST',
      path: '/api/payments/notices/:id/dismiss',
      handler: ({ params }) => s.payments.dismissNotice(course(params)),
    },
  ];
}
