import { useCallback, useEffect, useRef, useState } from 'react';
import type { CourseInsights } from '../../../contracts/analytics.ts';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Link } from '../../components/Link.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { analyticsApi } from '../../lib/analytics-api.ts';
import { asFailure, type ApiFailure } from '../../lib/api.ts';
import { useT } from '../../i18n/use-t.ts';
import { useFormat } from '../../lib/format.ts';
import { useFocusHeading } from '../../lib/use-focus-heading.ts';
import { InsightsCharts } from './InsightsCharts.tsx';
import { RangePicker, describeRange, rangeQuery, type RangeChoice } from '@lyceum/ui';
import { useUiText } from '@lyceum/ui/i18n';
import { useIntl } from 'react-intl';
import '@lyceum/ui/charts.css';
import './Insights.css';
import './teach.css';

/** Figures are fetched again this often while the page is visible. */
const REFRESH_MS = 10_000;

/** The Teach course screen's two views, as links (each view has its own address). */
export function TeachTabs({
  courseId,
  current,
}: {
  courseId: string;
  current: 'files' | 'insights' | 'announcements';
}) {
  const t = useT();
  const tabs = [
    { id: 'files', label: t('insights.tab.files'), href: `/teach/${courseId}` },
    { id: 'insights', label: t('insights.tab.insights'), href: `/teach/${courseId}?view=insights` },
    {
      id: 'announcements',
      label: t('announce.tab'),
      href: `/teach/${courseId}?view=announcements`,
    },
  ] as const;
  return (
    <nav className="teach-tabs" aria-label={t('insights.tabs')}>
      <ul>
        {tabs.map((tab) => (
          <li key={tab.id}>
            <Link
              href={tab.href}
              className={`teach-tabs__link${tab.id === current ? ' teach-tabs__link--current' : ''}`}
              aria-current={tab.id === current ? 'page' : undefined}
            >
              {tab.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

const sameRange = (a: RangeChoice, b: RangeChoice) => JSON.stringify(a) === JSON.stringify(b);

interface Shown {
  data: CourseInsights;
  range: RangeChoice;
  at: Date;
}

/**
 * An instructor's insights into one course: headline figures and charts for a time range, from the server (refreshed
 * every 10 s while the page is visible), or the last copy fetched, with its age, when the server cannot be reached.
 */
export function Insights({ courseId }: { courseId: string }) {
  const t = useT();
  const f = useFormat();
  const ui = useUiText();
  const intl = useIntl();
  const [range, setRange] = useState<RangeChoice>({ kind: 'preset', last: '7d' });
  const [shown, setShown] = useState<Shown | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);
  const heading = useFocusHeading<HTMLHeadingElement>(t('insights.title'), courseId);

  const load = useCallback(async () => {
    const n = ++latest.current;
    setLoading(true);
    try {
      const data = await analyticsApi.insights(courseId, rangeQuery(range));
      if (n !== latest.current) return;
      setShown({ data, range, at: new Date() });
      setError(null);
    } catch (err) {
      if (n !== latest.current) return;
      setError(asFailure(err));
    } finally {
      if (n === latest.current) setLoading(false);
    }
  }, [courseId, range]);

  useEffect(() => {
    void load();
    const tick = setInterval(() => {
      if (document.visibilityState === 'visible') void load();
    }, REFRESH_MS);
    const onVisible = () => {
      if (document.visibilityState === 'visible') void load();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(tick);
      document.removeEventListener('visibilitychange', onVisible);
      latest.current += 1;
    };
  }, [load]);

  const data = shown?.data ?? null;
  const title = data?.dashboard.names.courses[courseId] ?? null;
  const stale = shown !== null && !sameRange(shown.range, range);
  const empty = data !== null && data.dashboard.overview.totals.events === 0;

  return (
    <main id="main" className="page teach insights">
      <Link href="/teach" className="back-link">
        <span aria-hidden="true">← </span>
        {t('teach.backToCourses')}
      </Link>
      {title ? <p className="course__eyebrow">{title}</p> : null}
      <h1 ref={heading} tabIndex={-1}>
        {t('insights.title')}
      </h1>
      <TeachTabs courseId={courseId} current="insights" />

      <div className="insights-toolbar">
        <RangePicker
          value={range}
          onChange={setRange}
          classes={{
            fieldset: 'insights-range',
            field: 'insights-range__field',
            label: 'field__label',
            input: 'field__input',
          }}
        />
        <p className="insights-toolbar__status muted" data-testid="insights-status">
          {loading && (!shown || stale)
            ? t('insights.loadingRange', { range: describeRange(range, ui) })
            : stale || !data
              ? ''
              : data.source === 'cache'
                ? t('insights.offlineCopy', { when: f.dateTime(data.fetchedAt) })
                : t('insights.updated', {
                    time: shown ? f.time(shown.at, true) : '',
                    seconds: REFRESH_MS / 1000,
                  })}
        </p>
        <Button
          onClick={() => void load()}
          busy={loading && shown !== null && !stale}
          busyLabel={t('insights.refreshing')}
        >
          {t('insights.refresh')}
        </Button>
      </div>

      {data?.offline && !stale ? (
        <Banner tone="warning">
          {t('insights.offline', {
            ago:
              data.ageSeconds < 60
                ? t('insights.age.lessThanMinute')
                : data.ageSeconds < 3600
                  ? intl.formatRelativeTime(-Math.round(data.ageSeconds / 60), 'minute')
                  : data.ageSeconds < 48 * 3600
                    ? intl.formatRelativeTime(-Math.round(data.ageSeconds / 3600), 'hour')
                    : intl.formatRelativeTime(-Math.round(data.ageSeconds / 86_400), 'day'),
          })}
        </Banner>
      ) : null}
      {error && shown && !stale && error.code !== 'offline' ? (
        <Banner tone="error">{t('insights.stale', { error: error.message })}</Banner>
      ) : null}

      {!shown && loading ? <Spinner label={t('insights.loading')} /> : null}
      {!shown && !loading && error ? <InsightsError error={error} retry={() => void load()} /> : null}
      {shown && stale && error ? <InsightsError error={error} retry={() => void load()} /> : null}
      {shown && empty && !stale ? (
        <Banner tone="info">{t('insights.empty', { range: describeRange(shown.range, ui) })}</Banner>
      ) : null}
      {data && !(stale && error) ? (
        <div
          aria-busy={stale || undefined}
          className={stale ? 'insights-figures insights-figures--stale' : 'insights-figures'}
        >
          <InsightsCharts data={data.dashboard} courseId={courseId} />
        </div>
      ) : null}
    </main>
  );
}

function InsightsError({ error, retry }: { error: ApiFailure; retry: () => void }) {
  const t = useT();
  if (error.code === 'offline')
    return (
      <EmptyState
        title={t('insights.needConnection')}
        action={<Button onClick={retry}>{t('common.tryAgain')}</Button>}
      >
        <p>{t('insights.needConnection.body')}</p>
      </EmptyState>
    );
  if (error.code === 'forbidden' || error.code === 'not_found')
    return (
      <Banner tone="error">
        {error.code === 'forbidden' ? t('insights.forbidden') : t('teach.course.notFound')}
      </Banner>
    );
  return (
    <div className="teach__error">
      <Banner tone="error">{t('insights.failed', { error: error.message })}</Banner>
      <Button onClick={retry}>{t('common.tryAgain')}</Button>
    </div>
  );
}
