import { IdParams } from '@lyceum/contracts';
import { Raw, route, type AnyRoute, type Caller } from '../../../http/route.ts';
import type { ReceiptService } from './service.ts';

const me = (user: Caller | null) => user!;

export function receiptRoutes(receipts: ReceiptService): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/orders/:id/receipt',
      operationId: 'getOrderReceipt',
      summary: 'The receipt of a paid order as an HTML page (its buyer or an admin)',
      tags: ['payments'],
      access: 'user',
      params: IdParams,
      response: null,
      produces: 'text/html',
      errors: ['not_found'],
      handler: async ({ params, user }) =>
        new Raw('text/html; charset=utf-8', await receipts.page(params.id, me(user)), {
          'cache-control': 'private, no-store',
        }),
    }),
  ];
}
