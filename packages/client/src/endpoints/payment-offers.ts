import type { z } from 'zod';
import {
  Refund,
  RefundRequest,
  VoucherRedeemRequest,
  VoucherRedemption,
  VoucherVerifiers,
} from '@lyceum/contracts';
import type { Endpoint } from '../http.ts';

type AnyEndpoint = Endpoint<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | null>;

/** Refunds asked by a student (within the policy), school vouchers redeemed online and their offline verifiers. */
export const paymentOfferEndpoints = {
  requestRefund: {
    method: 'POST',
    path: '/api/v1/orders/:id/refunds',
    body: RefundRequest,
    response: Refund,
  },
  redeemVoucher: {
    method: 'POST',
    path: '/api/v1/vouchers/redeem',
    body: VoucherRedeemRequest,
    response: VoucherRedemption,
  },
  voucherVerifiers: { method: 'GET', path: '/api/v1/vouchers/verifiers', response: VoucherVerifiers },
} as const satisfies Record<string, AnyEndpoint>;
