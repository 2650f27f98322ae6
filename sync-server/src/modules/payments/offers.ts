import type { ModuleDeps } from '../deps.ts';
import type { CatalogReader } from '../catalog/reader.ts';
import type { UserDirectory } from '../enrollment/users.ts';
import { voucherRoutes } from './vouchers/routes.ts';
import { voucherService } from './vouchers/service.ts';

export interface PaymentOffersDeps extends ModuleDeps {
  catalog: CatalogReader;
  users: UserDirectory;
}

/** Payment offers (issue 13): coupons, refunds, school vouchers and receipts, beside the payments core. */
export function createPaymentOffers(deps: PaymentOffersDeps) {
  const vouchers = voucherService({ db: deps.db, catalog: deps.catalog, users: deps.users });
  return {
    routes: [...voucherRoutes(vouchers)],
    vouchers,
  };
}
export type PaymentOffers = ReturnType<typeof createPaymentOffers>;
