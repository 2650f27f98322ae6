import { IdParams, Refund, RefundList, RefundRequest } from '@lyceum/contracts';
import { route, type AnyRoute, type Caller } from '../../../http/route.ts';
import type { RefundService } from './service.ts';

const me = (user: Caller | null) => user!;
const tags = ['payments'];

export function refundRoutes(refunds: RefundService): AnyRoute[] {
  return [
    route({
      method: 'post',
      path: '/api/v1/orders/:id/refunds',
      operationId: 'requestRefund',
      summary:
        'Refund an order, fully or partly: admins always; the course instructor or the student within the refund policy',
      tags,
      access: 'user',
      params: IdParams,
      body: RefundRequest,
      response: Refund,
      status: 201,
      errors: [
        'not_found',
        'refund_not_allowed',
        'order_not_refundable',
        'refund_exceeds_paid',
        'gateway_unavailable',
      ],
      handler: ({ params, body, user }) => refunds.request(params.id, me(user), body),
    }),
    route({
      method: 'get',
      path: '/api/v1/orders/:id/refunds',
      operationId: 'listOrderRefunds',
      summary: "An order's refunds (its student, the course's instructors, admins)",
      tags,
      access: 'user',
      params: IdParams,
      response: RefundList,
      errors: ['not_found'],
      handler: ({ params, user }) => refunds.list(params.id, me(user)),
    }),
  ];
}
