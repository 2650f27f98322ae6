import type { ModuleDeps } from '../deps.ts';
import type { CatalogReader } from '../catalog/reader.ts';
import type { UserDirectory } from '../enrollment/users.ts';
import type { ProgressSummaries } from '../progress/summary.ts';
import { couponRoutes } from './coupons/routes.ts';
import { consumeCoupon, couponService, quoteCoupon, releaseCoupon } from './coupons/service.ts';
import type { PaymentGateway } from './gateway/port.ts';
import { receiptRoutes } from './receipts/routes.ts';
import { receiptService } from './receipts/service.ts';
import { applyGatewayRefund } from './refunds/apply.ts';
import { refundRoutes } from './refunds/routes.ts';
import { refundService } from './refunds/service.ts';
import { voucherRoutes } from './vouchers/routes.ts';
import { voucherService } from './vouchers/service.ts';

export interface PaymentOffersDeps extends ModuleDeps {
  catalog: CatalogReader;
  users: UserDirectory;
  /** The progress module's summaries (the refund policy's share completed); composed after this one. */
  progress: () => ProgressSummaries;
  /** The payments core's active gateway (refunds call its `refund`). */
  gateway: () => PaymentGateway;
}

/**
 * Payment offers (issue 13), beside the payments core: coupons (quoteCoupon / consumeCoupon / releaseCoupon for
 * checkout), refunds (the API and policy; applyGatewayRefund for the charge.refunded webhook), school vouchers
 * (batches, CSV, verifiers, online and sync redemption) and receipts (page and email).
 */
export function createPaymentOffers(deps: PaymentOffersDeps) {
  const vouchers = voucherService({ db: deps.db, catalog: deps.catalog, users: deps.users });
  const coupons = couponService(deps.db, deps.catalog);
  const refunds = refundService({
    db: deps.db,
    catalog: deps.catalog,
    progress: deps.progress,
    gateway: deps.gateway,
    policy: {
      maxDays: deps.config.REFUND_WINDOW_DAYS,
      maxProgressPercent: deps.config.REFUND_MAX_PROGRESS_PERCENT,
    },
  });
  const receipts = receiptService({
    db: deps.db,
    catalog: deps.catalog,
    users: deps.users,
    mailer: deps.mailer,
    logger: deps.logger,
  });
  return {
    routes: [
      ...couponRoutes(coupons),
      ...refundRoutes(refunds),
      ...voucherRoutes(vouchers),
      ...receiptRoutes(receipts),
    ],
    coupons,
    vouchers,
    refunds,
    receipts,
    /** For the payments core's checkout (CouponPort). */
    couponPort: { quoteCoupon, consumeCoupon, releaseCoupon },
    /** For the payments core's charge.refunded handling. */
    applyGatewayRefund,
    /** For the payments core's fulfilment, after the commit that marked an order paid. */
    sendReceipt: (orderId: string) => receipts.send(orderId),
  };
}
export type PaymentOffers = ReturnType<typeof createPaymentOffers>;
