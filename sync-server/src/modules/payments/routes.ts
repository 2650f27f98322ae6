import { z } from 'zod';
import {
  CheckoutRequest,
  CheckoutResponse,
  IdParams,
  Order,
  OrderList,
  ReconciliationQuery,
  ReconciliationReport,
  WebhookAck,
} from '@lyceum/contracts';
import { Raw, WithStatus, route, type AnyRoute, type Caller } from '../../http/route.ts';
import type { PaymentGateway } from './gateway/port.ts';
import type { CheckoutService } from './checkout.ts';
import type { OrderReads } from './orders.ts';
import { reconcile } from './reconciliation.ts';
import { returnPage } from './sandbox/page.ts';
import type { WebhookHandler } from './webhooks.ts';

const me = (user: Caller | null) => user!;
const ReturnQuery = z
  .object({ outcome: z.enum(['success', 'cancel']).default('success'), order: z.uuid().optional() })
  .strict();

export function paymentRoutes(deps: {
  checkout: CheckoutService;
  orders: OrderReads;
  webhooks: WebhookHandler;
  gateway: PaymentGateway;
}): AnyRoute[] {
  const tags = ['payments'];
  return [
    route({
      method: 'post',
      path: '/api/v1/courses/:id/checkout',
      operationId: 'checkout',
      summary:
        'Buy a course: the server prices it (and applies a coupon), then answers the gateway page to pay on; a pending order is reused',
      tags,
      access: 'user',
      params: IdParams,
      body: CheckoutRequest,
      response: CheckoutResponse,
      status: 201,
      alsoStatus: [
        {
          status: 200,
          description: 'A coupon made the course free: the order is paid, the student enrolled',
        },
      ],
      errors: [
        'not_found',
        'course_not_published',
        'not_for_sale',
        'already_enrolled',
        'gateway_unavailable',
      ],
      handler: async ({ params, body, user }) => {
        const r = await deps.checkout.checkout(params.id, me(user), body);
        return r.status === 200 ? new WithStatus(200, r.body) : r.body;
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/orders/:id',
      operationId: 'getOrder',
      summary: 'An order (its student or an admin)',
      tags,
      access: 'user',
      params: IdParams,
      response: Order,
      errors: ['not_found'],
      handler: ({ params, user }) => deps.orders.get(params.id, me(user)),
    }),
    route({
      method: 'get',
      path: '/api/v1/me/orders',
      operationId: 'listMyOrders',
      summary: "The signed-in student's orders, newest first",
      tags,
      access: 'user',
      response: OrderList,
      handler: async ({ user }) => ({ items: await deps.orders.mine(me(user).id) }),
    }),
    route({
      method: 'post',
      path: '/api/v1/payments/webhook',
      operationId: 'paymentWebhook',
      summary:
        "The gateway's webhook (Stripe event format, Stripe-Signature header over the raw body); repeats and unknown events are acknowledged",
      tags,
      access: 'public',
      response: WebhookAck,
      errors: ['webhook_signature_invalid'],
      handler: ({ req }) => {
        const raw: unknown = req.body;
        return deps.webhooks.handle(
          Buffer.isBuffer(raw) ? raw : Buffer.alloc(0),
          req.get('stripe-signature'),
        );
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/admin/payments/reconciliation',
      operationId: 'paymentReconciliation',
      summary:
        'Payments the gateway has that no order matches, paid orders the gateway lacks, and amount mismatches',
      tags,
      access: 'admin',
      query: ReconciliationQuery,
      response: ReconciliationReport,
      errors: ['gateway_unavailable'],
      handler: ({ query }) =>
        reconcile(
          deps.gateway,
          deps.orders,
          query.since ? new Date(query.since) : new Date(Date.now() - 30 * 86_400_000),
        ),
    }),
    route({
      method: 'get',
      path: '/payments/return',
      operationId: 'paymentReturnPage',
      summary: 'Where the gateway sends the student back after paying or cancelling',
      tags,
      access: 'public',
      query: ReturnQuery,
      response: null,
      produces: 'text/html; charset=utf-8',
      handler: ({ query }) => Promise.resolve(new Raw('text/html; charset=utf-8', returnPage(query.outcome))),
    }),
  ];
}
