import { useCallback, useEffect, useRef, useState } from 'react';
import type { EarningsRange, EarningsView } from '../../../../contracts/earnings.ts';
import { Banner } from '../../../components/Banner.tsx';
import { Button } from '../../../components/Button.tsx';
import { EmptyState } from '../../../components/EmptyState.tsx';
import { Link } from '../../../components/Link.tsx';
import { Spinner } from '../../../components/Spinner.tsx';
import { asFailure, type ApiFailure } from '../../../lib/api.ts';
import { earningsApi } from '../../../lib/earnings-api.ts';
import { useFormat } from '../../../lib/format.ts';
import { useFocusHeading } from '../../../lib/use-focus-heading.ts';
import { useT } from '../../../i18n/use-t.ts';
import type { MessageKey } from '../../../i18n/catalogues.ts';
import { EarningsFigures } from './EarningsFigures.tsx';
import '@lyceum/ui/charts.css';
import '../teach.css';
import './Earnings.css';

const RANGES: { id: EarningsRange; label: MessageKey }[] = [
  { id: '7d', label: 'earnings.range.7d' },
  { id: '30d', label: 'earnings.range.30d' },
  { id: '90d', label: 'earnings.range.90d' },
  { id: '365d', label: 'earnings.range.365d' },
];

/**
 * Teach → Earnings: what the instructor's courses earned (gross, refunds, net, orders) per currency, per day and per
 * course, from the server; when it cannot be reached, the last figures fetched with the time they are as of.
 */
export function Earnings() {
  const t = useT();
  const f = useFormat();
  const [range, setRange] = useState<EarningsRange>('30d');
  const [view, setView] = useState<EarningsView | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);
  const heading = useFocusHeading<HTMLHeadingElement>(t('earnings.title'));

  const load = useCallback(async () => {
    const n = ++latest.current;
    setLoading(true);
    try {
      const v = await earningsApi.get(range);
      if (n !== latest.current) return;
      setView(v);
      setError(null);
    } catch (err) {
      if (n !== latest.current) return;
      setError(asFailure(err));
    } finally {
      if (n === latest.current) setLoading(false);
    }
  }, [range]);

  useEffect(() => {
    void load();
    return () => {
      latest.current += 1;
    };
  }, [load]);

  const shown = view && view.range === range ? view : null;
  const currencies = shown
    ? [...new Set([...shown.earnings.totals, ...shown.earnings.courses].map((x) => x.currency))].sort()
    : [];

  return (
    <main id="main" className="page teach earnings">
      <Link href="/teach" className="back-link">
        <span aria-hidden="true">← </span>
        {t('teach.backToCourses')}
      </Link>
      <h1 ref={heading} tabIndex={-1}>
        {t('earnings.title')}
      </h1>
      <p className="muted teach__intro">{t('earnings.intro')}</p>
      <div className="earnings-toolbar">
        <label className="field earnings-toolbar__range">
          <span className="field__label">{t('earnings.range')}</span>
          <select
            className="field__input"
            value={range}
            onChange={(e) => setRange(e.target.value as EarningsRange)}
          >
            {RANGES.map((r) => (
              <option key={r.id} value={r.id}>
                {t(r.label)}
              </option>
            ))}
          </select>
        </label>
        <p className="earnings-toolbar__status muted" data-testid="earnings-status" aria-live="polite">
          {shown ? t('earnings.asOf', { when: f.dateTime(shown.fetchedAt) }) : ''}
        </p>
        <Button
          onClick={() => void load()}
          busy={loading && shown !== null}
          busyLabel={t('earnings.refreshing')}
        >
          {t('earnings.refresh')}
        </Button>
      </div>

      {shown?.offline ? (
        <Banner tone="warning">
          <span data-testid="earnings-offline">
            {t('earnings.offline', { when: f.dateTime(shown.fetchedAt) })}
          </span>
        </Banner>
      ) : null}
      {error && shown && error.code !== 'offline' ? (
        <Banner tone="error">{t('earnings.stale', { error: error.message })}</Banner>
      ) : null}
      {!shown && loading ? <Spinner label={t('earnings.loading')} /> : null}
      {!shown && !loading && error ? (
        error.code === 'offline' ? (
          <EmptyState
            title={t('earnings.needConnection')}
            action={<Button onClick={() => void load()}>{t('common.tryAgain')}</Button>}
          >
            <p>{t('earnings.needConnection.body')}</p>
          </EmptyState>
        ) : (
          <div className="teach__error">
            <Banner tone="error">
              {error.code === 'forbidden'
                ? t('earnings.forbidden')
                : t('earnings.failed', { error: error.message })}
            </Banner>
            <Button onClick={() => void load()}>{t('common.tryAgain')}</Button>
          </div>
        )
      ) : null}
      {shown && currencies.length === 0 ? (
        <EmptyState title={t('earnings.none.title')}>
          <p>{t('earnings.none.body')}</p>
        </EmptyState>
      ) : null}
      {shown && currencies.length > 0 && shown.earnings.totals.length === 0 ? (
        <Banner tone="info">{t('earnings.noSales')}</Banner>
      ) : null}
      {shown
        ? currencies.map((c) => <EarningsFigures key={c} earnings={shown.earnings} currency={c} />)
        : null}
    </main>
  );
}
