import type { z } from 'zod';
import { CheckoutRequest, CheckoutResponse, Order, OrderList } from '@lyceum/contracts';
import type { Endpoint } from '../http.ts';

type AnyEndpoint = Endpoint<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | null>;

/** Buying a course: checkout (the server computes the amount), an order's state, the student's orders. */
export const paymentEndpoints = {
  checkout: {
    method: 'POST',
    path: '/api/v1/courses/:id/checkout',
    body: CheckoutRequest,
    response: CheckoutResponse,
  },
  getOrder: { method: 'GET', path: '/api/v1/orders/:id', response: Order },
  listMyOrders: { method: 'GET', path: '/api/v1/me/orders', response: OrderList },
  /** The receipt of a paid order: an HTML page (no JSON schema). */
  getOrderReceipt: { method: 'GET', path: '/api/v1/orders/:id/receipt', response: null },
} as const satisfies Record<string, AnyEndpoint>;
