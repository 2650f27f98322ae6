import { IdParams, IdempotencyKey, Refund, RefundList, RefundRequest } from '@lyceum/contracts';
import { ApiError } from '../../../http/errors.ts';
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
        'Refund an order, fully or partly: admins always; the course instructor or the student within the refund policy. ' +
        'An Idempotency-Key header makes it safe to retry: the same key answers the first answer (Idempotent-Replayed: true) ' +
        'and refunds once; the same key with another order, amount or reason is refused',
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
        'idempotency_key_reused',
        'idempotency_conflict',
      ],
      handler: async ({ params, body, user, req, res }) => {
        const header = req.get('idempotency-key');
        const key = header === undefined ? undefined : IdempotencyKey.safeParse(header);
        if (key && !key.success)
          throw new ApiError(
            'validation_failed',
            'Idempotency-Key: 1 to 255 printable ASCII characters without spaces',
          );
        const r = await refunds.request(params.id, me(user), body, key?.data);
        if (r.replayed) res.setHeader('Idempotent-Replayed', 'true');
        return r.refund;
      },
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
