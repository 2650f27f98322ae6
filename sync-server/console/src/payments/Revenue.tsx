import { useMemo, useState } from 'react';
import { BarList, TimeSeries } from '@lyceum/ui';
import { useT } from '../i18n/catalogues.ts';
import { client } from '../api.ts';
import { toMajor, useMoney } from './money.ts';
import { usePaidCourses } from './use-courses.ts';
import { useLoad } from './use-load.ts';

const SPANS = [7, 30, 90, 365] as const;

/** Revenue from the ledger: totals, net per day (one chart per currency) and per course. */
export function Revenue() {
  const t = useT();
  const money = useMoney();
  const courses = usePaidCourses();
  const [days, setDays] = useState<(typeof SPANS)[number]>(30);
  const [courseId, setCourseId] = useState('');
  const { data, error } = useLoad(() => {
    const to = new Date();
    const from = new Date(to.getTime() - days * 86_400_000);
    return client.call('adminPaymentRevenue', {
      query: { from: from.toISOString(), to: to.toISOString(), ...(courseId ? { courseId } : {}) },
    });
  }, [days, courseId]);
  const currencies = useMemo(() => data?.totals.map((x) => x.currency) ?? [], [data]);

  return (
    <div className="stack">
      <div className="form-row">
        <label className="field">
          {t('revenue.span')}
          <select value={days} onChange={(e) => setDays(Number(e.target.value) as typeof days)}>
            {SPANS.map((d) => (
              <option key={d} value={d}>
                {t('revenue.lastDays', { days: d })}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          {t('orders.course')}
          <select value={courseId} onChange={(e) => setCourseId(e.target.value)}>
            <option value="">{t('orders.course.any')}</option>
            {courses.map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {!data ? (
        <p role="status">{t('common.loading')}</p>
      ) : data.totals.length === 0 ? (
        <p className="panel">{t('revenue.none')}</p>
      ) : (
        <>
          {data.totals.map((x) => (
            <dl
              key={x.currency}
              className="money-tiles"
              aria-label={t('revenue.totals', { currency: x.currency })}
            >
              <div>
                <dt>{t('revenue.net')}</dt>
                <dd>{money(x.netMinor, x.currency)}</dd>
              </div>
              <div>
                <dt>{t('revenue.gross')}</dt>
                <dd>{money(x.grossMinor, x.currency)}</dd>
              </div>
              <div>
                <dt>{t('revenue.refunded')}</dt>
                <dd>{money(x.refundedMinor, x.currency)}</dd>
              </div>
              <div>
                <dt>{t('revenue.orders')}</dt>
                <dd>{x.orders}</dd>
              </div>
            </dl>
          ))}
          <div className="grid">
            {currencies.map((c) => (
              <section key={c} className="panel wide">
                <TimeSeries
                  title={t('revenue.perDay', { currency: c })}
                  subtitle={t('revenue.perDay.sub')}
                  format="decimal"
                  points={data.daily
                    .filter((d) => d.currency === c)
                    .map((d) => ({ t: `${d.day}T00:00:00Z`, value: toMajor(d.netMinor, c) }))}
                />
              </section>
            ))}
            {currencies.map((c) => (
              <section key={`course-${c}`} className="panel">
                <BarList
                  title={t('revenue.perCourse', { currency: c })}
                  format="decimal"
                  data={data.courses
                    .filter((x) => x.currency === c)
                    .map((x) => ({
                      label: x.title,
                      value: toMajor(x.netMinor, c),
                      detail: t('revenue.courseDetail', {
                        net: money(x.netMinor, c),
                        orders: x.orders,
                        refunded: money(x.refundedMinor, c),
                      }),
                    }))}
                />
              </section>
            ))}
          </div>
        </>
      )}
    </div>
  );
}
