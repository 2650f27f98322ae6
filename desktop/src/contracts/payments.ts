import { z } from 'zod';
import { Currency, Id, IsoDateTime, OrderStatus } from '@lyceum/contracts';

/**
 * The local API of payments (buy a course, redeem a code, my purchases, refunds, a teacher's earnings). Server payloads
 * come from @lyceum/contracts through @lyceum/client; these are the shapes the renderer reads.
 */

/** An amount of money: integer minor units and an ISO 4217 currency. */
export const MoneyView = z.object({ amountMinor: z.number().int(), currency: Currency });
export type MoneyView = z.infer<typeof MoneyView>;

/** One order as the student sees it (My purchases, the state of a checkout). */
export const OrderView = z.object({
  id: Id,
  courseId: Id,
  courseTitle: z.string(),
  status: OrderStatus,
  amount: MoneyView,
  /** The course's price when ordered (differs from `amount` when a coupon applied). */
  listAmount: MoneyView,
  refunded: MoneyView,
  createdAt: IsoDateTime,
  paidAt: IsoDateTime.nullable(),
  /** The gateway's hosted page while the order waits for payment. */
  checkoutUrl: z.string().nullable(),
  /** Why the payment failed, in the gateway's words. */
  failure: z.object({ code: z.string().nullable(), message: z.string() }).nullable(),
  /** The receipt (an HTML page of the local API) once paid. */
  receiptUrl: z.string().nullable(),
});
export type OrderView = z.infer<typeof OrderView>;

export const OrderListView = z.object({ items: z.array(OrderView) });
export type OrderListView = z.infer<typeof OrderListView>;

/** POST /api/payments/courses/:id/checkout. */
export const CheckoutBody = z.object({ couponCode: z.string().trim().min(1).max(64).optional() }).strict();
export type CheckoutBody = z.infer<typeof CheckoutBody>;

export const CheckoutView = z.object({
  orderId: Id,
  status: OrderStatus,
  /** Where to pay (opened in the system browser); null when a coupon made the course free. */
  checkoutUrl: z.string().nullable(),
});
export type CheckoutView = z.infer<typeof CheckoutView>;

/** POST /api/payments/redeem: a coupon (for the course named) or a voucher (verified on the device when offline). */
export const RedeemBody = z
  .object({ code: z.string().trim().min(1).max(64), courseId: Id.optional() })
  .strict();
export type RedeemBody = z.infer<typeof RedeemBody>;

export const RedeemView = z.discriminatedUnion('kind', [
  /** A voucher: the course is unlocked on this device now; `pending` until the server has applied it. */
  z.object({ kind: z.literal('voucher'), courseId: Id, pending: z.boolean() }),
  /** A coupon: an order with the discount (paid at once when free, else pay at checkoutUrl). */
  z.object({ kind: z.literal('coupon'), courseId: Id, checkout: CheckoutView }),
]);
export type RedeemView = z.infer<typeof RedeemView>;

/** What the course page needs to know about buying a course on this device. */
export const CoursePaymentView = z.object({
  courseId: Id,
  /** The course is open to study on this device (bought, or a voucher waiting for the server). */
  unlocked: z.boolean(),
  /** A voucher redeemed on this device that the server has not applied yet. */
  voucherPending: z.boolean(),
  /** The server refused this device's voucher for the course: locked again, with the reason. */
  lock: z.object({ code: z.string(), message: z.string(), lockedAt: IsoDateTime }).nullable(),
  /** The purchase was refunded (the course is no longer open). */
  refunded: z.boolean(),
});
export type CoursePaymentView = z.infer<typeof CoursePaymentView>;

/** POST /api/payments/orders/:id/refund. */
export const RefundBody = z
  .object({ reason: z.string().trim().min(1).max(500), amountMinor: z.number().int().min(1).optional() })
  .strict();
export type RefundBody = z.infer<typeof RefundBody>;

/** A refund of a purchase removed the course's offline copy: told once, until dismissed. */
export const PaymentNotice = z.object({
  courseId: Id,
  kind: z.enum(['refunded']),
  title: z.string(),
  createdAt: IsoDateTime,
});
export const PaymentNotices = z.object({ items: z.array(PaymentNotice) });
export type PaymentNotices = z.infer<typeof PaymentNotices>;

export const OrderIdParam = z.object({ id: z.uuid() }).strict();
