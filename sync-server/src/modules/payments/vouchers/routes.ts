import { z } from 'zod';
import {
  IdParams,
  VoucherBatch,
  VoucherBatchCreate,
  VoucherBatchCreated,
  VoucherBatchList,
  VoucherBatchStatus,
  VoucherRedeemRequest,
  VoucherRedemption,
  VoucherVerifiers,
} from '@lyceum/contracts';
import { Raw, route, type AnyRoute, type Caller } from '../../../http/route.ts';
import type { VoucherService } from './service.ts';

const me = (user: Caller | null) => user!;
const tags = ['payments'];

/** Voucher batches (course staff and admins), the verifiers list and online redemption (any signed-in user). */
export function voucherRoutes(vouchers: VoucherService): AnyRoute[] {
  return [
    route({
      method: 'post',
      path: '/api/v1/courses/:id/voucher-batches',
      operationId: 'createVoucherBatch',
      summary: 'Issue a batch of single-use voucher codes for a course; the codes are answered once',
      tags,
      access: 'instructor',
      params: IdParams,
      body: VoucherBatchCreate,
      response: VoucherBatchCreated,
      status: 201,
      errors: ['not_found', 'forbidden'],
      handler: ({ params, body, user }) => vouchers.createBatch(me(user), params.id, body),
    }),
    route({
      method: 'get',
      path: '/api/v1/courses/:id/voucher-batches',
      operationId: 'listVoucherBatches',
      summary: "A course's voucher batches with how many codes were redeemed",
      tags,
      access: 'instructor',
      params: IdParams,
      response: VoucherBatchList,
      errors: ['not_found', 'forbidden'],
      handler: ({ params, user }) => vouchers.listBatches(me(user), params.id),
    }),
    route({
      method: 'get',
      path: '/api/v1/voucher-batches/:id',
      operationId: 'getVoucherBatch',
      summary: 'Redemption status of each code of a batch (codes shown by their last 4 characters)',
      tags,
      access: 'instructor',
      params: IdParams,
      response: VoucherBatchStatus,
      errors: ['not_found', 'forbidden'],
      handler: ({ params, user }) => vouchers.batchStatus(me(user), params.id),
    }),
    route({
      method: 'get',
      path: '/api/v1/voucher-batches/:id/codes.csv',
      operationId: 'exportVoucherCodes',
      summary: "A batch's codes as CSV (code, course, status, expiry, redeemed at, redeemed by)",
      tags,
      access: 'instructor',
      params: IdParams,
      response: null,
      produces: 'text/csv',
      errors: ['not_found', 'forbidden'],
      rateLimit: { policy: 'export' },
      handler: async ({ params, user }) =>
        new Raw('text/csv; charset=utf-8', await vouchers.exportCsv(me(user), params.id), {
          'content-disposition': `attachment; filename="vouchers-${params.id}.csv"`,
          'cache-control': 'no-store',
        }),
    }),
    route({
      method: 'post',
      path: '/api/v1/voucher-batches/:id/revoke',
      operationId: 'revokeVoucherBatch',
      summary: 'Revoke a batch: its codes not redeemed yet are refused (redeemed ones keep their course)',
      tags,
      access: 'instructor',
      params: IdParams,
      body: z.object({}).strict().optional(),
      response: VoucherBatch,
      errors: ['not_found', 'forbidden'],
      handler: ({ params, user }) => vouchers.revoke(me(user), params.id),
    }),
    route({
      method: 'get',
      path: '/api/v1/vouchers/verifiers',
      operationId: 'voucherVerifiers',
      summary: 'Hashes of the codes not yet redeemed, per batch, for offline verification on devices',
      tags,
      access: 'user',
      response: VoucherVerifiers,
      handler: () => vouchers.verifiers(),
    }),
    route({
      method: 'post',
      path: '/api/v1/vouchers/redeem',
      operationId: 'redeemVoucher',
      summary: 'Redeem a voucher code online: the course it is for is unlocked (enrollment source voucher)',
      tags,
      access: 'user',
      body: VoucherRedeemRequest,
      response: VoucherRedemption,
      errors: ['voucher_invalid', 'voucher_used', 'voucher_revoked', 'voucher_expired', 'already_enrolled'],
      handler: ({ body, user }) => vouchers.redeem(me(user).id, body.code, { via: 'online' }),
    }),
  ];
}
