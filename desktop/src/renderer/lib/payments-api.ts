import {
  CheckoutView,
  CoursePaymentView,
  OrderListView,
  OrderView,
  PaymentNotices,
  RedeemView,
  type CheckoutBody,
  type RedeemBody,
  type RefundBody,
} from '../../contracts/payments.ts';
import { call } from './api.ts';
import { LOCAL_CHANGE } from './learning-api.ts';

const enc = encodeURIComponent;

/** Buying courses through the local API (most of it needs the server; a known voucher works offline). */
export const paymentsApi = {
  course: (courseId: string) => call(CoursePaymentView, 'GET', `/api/payments/courses/${enc(courseId)}`),
  checkout: (courseId: string, body: CheckoutBody = {}) =>
    call(CheckoutView, 'POST', `/api/payments/courses/${enc(courseId)}/checkout`, body),
  redeem: (body: RedeemBody) =>
    call(RedeemView, 'POST', '/api/payments/redeem', body).then((v) => {
      dispatchEvent(new Event(LOCAL_CHANGE));
      return v;
    }),
  orders: () => call(OrderListView, 'GET', '/api/payments/orders'),
  order: (id: string) => call(OrderView, 'GET', `/api/payments/orders/${enc(id)}`),
  refund: (id: string, body: RefundBody) =>
    call(OrderView, 'POST', `/api/payments/orders/${enc(id)}/refund`, body),
  notices: () => call(PaymentNotices, 'GET', '/api/payments/notices'),
  dismissNotice: (courseId: string) =>
    call(PaymentNotices, 'POST', `/api/payments/notices/${enc(courseId)}/dismiss`),
};

/**
 * Open a payment page in the system browser: Electron's shell.openExternal through the preload bridge; in web mode
 * (no bridge) a new tab.
 */
export function openExternal(url: string): void {
  const bridge = (globalThis as { lyceum?: { openExternal(url: string): Promise<void> } }).lyceum;
  if (bridge) void bridge.openExternal(url);
  else window.open(url, '_blank', 'noopener');
}
