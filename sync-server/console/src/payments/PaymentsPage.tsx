import { useT, type MessageKey } from '../i18n/catalogues.ts';
import { Coupons } from './Coupons.tsx';
import { OrderDetail } from './OrderDetail.tsx';
import { Orders } from './Orders.tsx';
import { Reconciliation } from './Reconciliation.tsx';
import { Revenue } from './Revenue.tsx';
import { PAYMENT_TABS, hrefOf, type PaymentTab } from './route.ts';
import { Vouchers } from './Vouchers.tsx';
import './payments.css';

/** The console's Payments section: orders (and one order), coupons, voucher batches, revenue, reconciliation. */
export function PaymentsPage(p: { tab: PaymentTab; id: string | null }) {
  const t = useT();
  return (
    <div className="payments">
      <h1>{t('payments.title')}</h1>
      <nav aria-label={t('payments.nav.label')} className="subnav">
        {PAYMENT_TABS.map((tab) => (
          <a key={tab} href={hrefOf(tab)} aria-current={p.tab === tab ? 'page' : undefined}>
            {t(`payments.nav.${tab}` as MessageKey)}
          </a>
        ))}
      </nav>
      {p.tab === 'orders' ? (
        p.id ? (
          <OrderDetail id={p.id} />
        ) : (
          <Orders />
        )
      ) : p.tab === 'coupons' ? (
        <Coupons />
      ) : p.tab === 'vouchers' ? (
        <Vouchers />
      ) : p.tab === 'revenue' ? (
        <Revenue />
      ) : (
        <Reconciliation />
      )}
    </div>
  );
}
