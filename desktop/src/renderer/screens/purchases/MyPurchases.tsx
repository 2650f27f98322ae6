import { useState } from 'react';
import type { OrderView } from '../../../contracts/payments.ts';
import { Banner } from '../../components/Banner.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Link } from '../../components/Link.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { Button } from '../../components/Button.tsx';
import { useT } from '../../i18n/use-t.ts';
import { useFormat, type Format } from '../../lib/format.ts';
import { paymentsApi } from '../../lib/payments-api.ts';
import { useSync } from '../../lib/sync.tsx';
import { useFocusHeading } from '../../lib/use-focus-heading.ts';
import { useLoad } from '../../lib/use-load.ts';
import { RefundRequest } from './RefundRequest.tsx';
import '../../styles/payments.css';

const money = (f: Format, m: OrderView['amount']) =>
  f.price({ amountCents: m.amountMinor, currency: m.currency });

/** My purchases: every order with its status, amount and date, its receipt, and a refund request within the policy. */
export function MyPurchases() {
  const t = useT();
  const f = useFormat();
  const { version } = useSync();
  const { state, reload } = useLoad(() => paymentsApi.orders(), [version]);
  const heading = useFocusHeading<HTMLHeadingElement>(t('purchases.title'));
  /** The course whose refund was just asked for (said above the list, which reloads). */
  const [requested, setRequested] = useState<string | null>(null);
  return (
    <main id="main" className="page purchases">
      <h1 ref={heading} tabIndex={-1}>
        {t('purchases.title')}
      </h1>
      {requested ? (
        <Banner tone="success">
          <span data-testid="refund-requested">{t('refund.requested', { title: requested })}</span>
        </Banner>
      ) : null}
      {state.status === 'loading' ? <Spinner label={t('purchases.loading')} /> : null}
      {state.status === 'error' ? (
        <EmptyState
          title={state.error.message}
          action={<Button onClick={reload}>{t('common.tryAgain')}</Button>}
        >
          {null}
        </EmptyState>
      ) : null}
      {state.status === 'ready' && state.data.items.length === 0 ? (
        <EmptyState title={t('purchases.empty')} action={<Link href="/">{t('learning.empty.browse')}</Link>}>
          {null}
        </EmptyState>
      ) : null}
      {state.status === 'ready' && state.data.items.length > 0 ? (
        // Explicit roles: in a narrow window the rows are laid out as cards (display: block), which would otherwise
        // drop the table's semantics.
        <table className="purchases__table" data-testid="orders" role="table">
          <caption className="visually-hidden">{t('purchases.caption')}</caption>
          <thead role="rowgroup">
            <tr role="row">
              <th scope="col" role="columnheader">
                {t('purchases.course')}
              </th>
              <th scope="col" role="columnheader">
                {t('purchases.date')}
              </th>
              <th scope="col" role="columnheader">
                {t('purchases.amount')}
              </th>
              <th scope="col" role="columnheader">
                {t('purchases.status')}
              </th>
              <th scope="col" role="columnheader">
                {t('purchases.actions')}
              </th>
            </tr>
          </thead>
          <tbody role="rowgroup">
            {state.data.items.map((o) => (
              <tr key={o.id} data-testid="order" role="row">
                <th scope="row" role="rowheader">
                  <Link href={`/courses/${o.courseId}`}>{o.courseTitle}</Link>
                </th>
                <td role="cell" data-label={t('purchases.date')}>
                  {f.dateTime(o.paidAt ?? o.createdAt)}
                </td>
                <td role="cell" data-label={t('purchases.amount')}>
                  {money(f, o.amount)}
                  {o.refunded.amountMinor > 0 ? (
                    <span className="purchases__refunded">
                      {' '}
                      {t('purchases.refundedAmount', { amount: money(f, o.refunded) })}
                    </span>
                  ) : null}
                </td>
                <td role="cell" data-label={t('purchases.status')}>
                  <span className={`badge purchases__status purchases__status--${o.status}`}>
                    {t(`purchases.state.${o.status}`)}
                  </span>
                  {o.failure ? <span className="purchases__reason"> {o.failure.message}</span> : null}
                </td>
                <td role="cell">
                  <div className="purchases__actions">
                    {o.receiptUrl ? (
                      <a href={o.receiptUrl} target="_blank" rel="noopener">
                        {t('purchases.receipt')}
                        <span className="visually-hidden"> {o.courseTitle}</span>
                      </a>
                    ) : null}
                    {(o.status === 'paid' || o.status === 'partially_refunded') &&
                    o.amount.amountMinor > 0 ? (
                      <RefundRequest
                        order={o}
                        onDone={(after) => {
                          setRequested(after.courseTitle);
                          reload();
                        }}
                      />
                    ) : null}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <PaymentNoticesBanner />
    </main>
  );
}

/** Purchases refunded since: their offline copy was removed (a notice until dismissed). */
export function PaymentNoticesBanner() {
  const t = useT();
  const { version } = useSync();
  const { state, set } = useLoad(() => paymentsApi.notices(), [version]);
  if (state.status !== 'ready' || state.data.items.length === 0) return null;
  return (
    <>
      {state.data.items.map((n) => (
        <Banner key={n.courseId} tone="info">
          <span data-testid="refund-notice">{t('payments.refundNotice', { title: n.title })}</span>{' '}
          <Button
            variant="ghost"
            onClick={() => void paymentsApi.dismissNotice(n.courseId).then(set, () => undefined)}
          >
            {t('payments.dismiss')}
          </Button>
        </Banner>
      ))}
    </>
  );
}
