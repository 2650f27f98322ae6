import { useState } from 'react';
import { useT, type MessageKey } from '../i18n/catalogues.ts';
import { client } from '../api.ts';
import { dayStart, useMoney, useWhen } from './money.ts';
import { hrefOf } from './route.ts';
import { useLoad } from './use-load.ts';
import { TableWrap } from './TableWrap.tsx';

const monthAgo = () => new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);

/** The gateway's payments against the orders: what matched, and each mismatch flagged with what differs. */
export function Reconciliation() {
  const t = useT();
  const money = useMoney();
  const when = useWhen();
  const [since, setSince] = useState(monthAgo);
  const [asked, setAsked] = useState(since);
  const { data, error, loading, reload } = useLoad(() => {
    const from = dayStart(asked);
    return client.call('paymentReconciliation', { query: from ? { since: from } : {} });
  }, [asked]);

  return (
    <div className="stack">
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (since === asked) void reload();
          else setAsked(since);
        }}
      >
        <label className="field">
          {t('recon.since')}
          <input type="date" value={since} onChange={(e) => setSince(e.target.value)} />
        </label>
        <button type="submit" className="button primary" disabled={loading}>
          {t('recon.check')}
        </button>
      </form>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {data ? (
        <section className="panel stack" aria-labelledby="recon-title">
          <h2 id="recon-title">{t('recon.title', { gateway: data.gateway })}</h2>
          <p role="status">
            {t('recon.summary', {
              matched: data.matched,
              flagged: data.flagged.length,
              when: when(data.checkedAt),
            })}
          </p>
          {data.flagged.length === 0 ? (
            <p className="ok">{t('recon.allMatch')}</p>
          ) : (
            <TableWrap labelledBy="recon-title">
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">{t('recon.flag')}</th>
                    <th scope="col">{t('recon.order')}</th>
                    <th scope="col">{t('recon.payment')}</th>
                    <th scope="col" className="num">
                      {t('recon.atGateway')}
                    </th>
                    <th scope="col" className="num">
                      {t('recon.inOrders')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.flagged.map((f, i) => (
                    <tr key={`${f.paymentIntentId ?? ''}-${f.orderId ?? ''}-${i}`}>
                      <td>
                        <span className="status flagged">{t(`recon.flag.${f.flag}` as MessageKey)}</span>
                      </td>
                      <td>
                        {f.orderId ? <a href={hrefOf('orders', f.orderId)}>{f.orderId.slice(-8)}</a> : '—'}
                      </td>
                      <td>
                        <code>{f.paymentIntentId ?? '—'}</code>
                      </td>
                      <td className="num">
                        {f.gateway
                          ? t('recon.amounts', {
                              amount: money(f.gateway.amountMinor, f.gateway.currency.toUpperCase()),
                              refunded: money(f.gateway.refundedMinor, f.gateway.currency.toUpperCase()),
                            })
                          : '—'}
                      </td>
                      <td className="num">
                        {f.order
                          ? t('recon.amounts', {
                              amount: money(f.order.amountMinor, f.order.currency),
                              refunded: money(f.order.refundedMinor, f.order.currency),
                            })
                          : '—'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </section>
      ) : loading ? (
        <p role="status">{t('common.loading')}</p>
      ) : null}
    </div>
  );
}
