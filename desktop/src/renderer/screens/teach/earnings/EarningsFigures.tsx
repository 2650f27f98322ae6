import type { TeachingEarnings } from '@lyceum/contracts';
import { BarList, TimeSeries } from '@lyceum/ui';
import { useT } from '../../../i18n/use-t.ts';
import { minorPerMajor, useMoney } from './money.ts';

type Figures = TeachingEarnings['totals'][number];

/** One currency's earnings: the totals, net per day (a line) and net per course (bars, with the details in the data table). */
export function EarningsFigures({ earnings, currency }: { earnings: TeachingEarnings; currency: string }) {
  const t = useT();
  const money = useMoney();
  const unit = minorPerMajor(currency);
  const total: Figures = earnings.totals.find((x) => x.currency === currency) ?? {
    currency,
    grossMinor: 0,
    refundedMinor: 0,
    netMinor: 0,
    orders: 0,
  };
  const days = earnings.daily.filter((d) => d.currency === currency);
  const courses = earnings.courses.filter((c) => c.currency === currency);
  const tiles = [
    { id: 'net', label: t('earnings.net'), value: money(total.netMinor, currency) },
    { id: 'gross', label: t('earnings.gross'), value: money(total.grossMinor, currency) },
    { id: 'refunded', label: t('earnings.refunded'), value: money(total.refundedMinor, currency) },
    { id: 'orders', label: t('earnings.orders'), value: String(total.orders) },
  ];
  return (
    <section className="earnings-currency" aria-labelledby={`earnings-${currency}`}>
      <h2 id={`earnings-${currency}`}>{t('earnings.inCurrency', { currency })}</h2>
      <dl className="earnings-totals" data-testid={`earnings-totals-${currency}`}>
        {tiles.map((tile) => (
          <div key={tile.id} className="earnings-totals__item">
            <dt>{tile.label}</dt>
            <dd data-testid={`earnings-${tile.id}`}>{tile.value}</dd>
          </div>
        ))}
      </dl>
      <div className="earnings-charts">
        {days.length ? (
          <TimeSeries
            title={t('earnings.perDay', { currency })}
            points={days.map((d) => ({ t: `${d.day}T00:00:00Z`, value: d.netMinor / unit }))}
            format="decimal"
          />
        ) : null}
        <BarList
          title={t('earnings.perCourse', { currency })}
          format="decimal"
          limit={50}
          data={courses.map((c) => ({
            label: c.title,
            value: c.netMinor / unit,
            detail: t('earnings.courseDetail', {
              gross: money(c.grossMinor, currency),
              refunded: money(c.refundedMinor, currency),
              orders: c.orders,
            }),
          }))}
        />
      </div>
    </section>
  );
}
