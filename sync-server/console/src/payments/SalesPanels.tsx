import { BarList, Columns, TimeSeries, rangeQuery, type RangeChoice } from '@lyceum/ui';
import { useT } from '../i18n/catalogues.ts';
import { client } from '../api.ts';
import { toMajor, useMoney } from './money.ts';
import { useLoad } from './use-load.ts';

/**
 * The analytics dashboard's sales panels (admins): revenue per day from the purchase events the outbox relayed, the
 * catalog view → checkout → paid funnel, and each course's conversion. Fetched again with the dashboard (`version`),
 * at most every 15 s: sales change far less often than learning events, and the query reads a month of them.
 */
export function SalesPanels(p: { range: RangeChoice; courseId: string | null; version: number }) {
  const t = useT();
  const money = useMoney();
  const { data, error } = useLoad(
    () =>
      client.call('analyticsSales', {
        query: { ...rangeQuery(p.range), ...(p.courseId ? { courseId: p.courseId } : {}) },
      }),
    [p.range, p.courseId, Math.floor(p.version / 15_000)],
  );
  if (error)
    return (
      <p role="alert" className="panel error wide">
        {t('sales.failed', { error })}
      </p>
    );
  if (!data) return null;
  const currencies = [...new Set(data.revenue.map((r) => r.currency))];
  const step = (s: string) => data.funnel.find((f) => f.step === s)?.count ?? 0;
  return (
    <>
      {(currencies.length ? currencies : ['USD']).map((c) => (
        <section key={c} className="panel wide">
          <TimeSeries
            title={t('sales.revenue', { currency: c })}
            subtitle={t('sales.revenue.sub')}
            format="decimal"
            points={data.revenue
              .filter((r) => r.currency === c)
              .map((r) => ({ t: `${r.day}T00:00:00Z`, value: toMajor(r.amountMinor, c) }))}
          />
        </section>
      ))}
      <section className="panel">
        <Columns
          title={t('sales.funnel')}
          subtitle={t('sales.funnel.sub')}
          funnel
          data={[
            { label: t('sales.step.viewed'), value: step('viewed') },
            { label: t('sales.step.checkout'), value: step('checkout') },
            { label: t('sales.step.paid'), value: step('paid') },
          ]}
        />
      </section>
      <section className="panel">
        <BarList
          title={t('sales.conversion')}
          subtitle={t('sales.conversion.sub')}
          format="percent"
          max={1}
          data={data.courses
            .filter((c) => c.viewed > 0)
            .map((c) => ({
              label: c.title,
              value: Math.min(1, c.paid / c.viewed),
              detail: t('sales.conversionDetail', {
                paid: c.paid,
                viewed: c.viewed,
                amount: money(c.amountMinor, c.currency),
              }),
            }))}
        />
      </section>
    </>
  );
}
