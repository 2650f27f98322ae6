import { useCallback, useEffect, useRef, useState } from 'react';
import type { CourseInsights } from '../../../core/analytics/schemas.ts';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Link } from '../../components/Link.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { analyticsApi } from '../../lib/analytics-api.ts';
import { asFailure, type ApiFailure } from '../../lib/api.ts';
import { useFocusHeading } from '../../lib/use-focus-heading.ts';
import { InsightsCharts } from './InsightsCharts.tsx';
import { RangePicker, describeRange, rangeQuery, type RangeChoice } from '@lyceum/ui';
import '@lyceum/ui/charts.css';
import './Insights.css';
import './teach.css';

/** Figures are fetched again this often while the page is visible. */
const REFRESH_MS = 10_000;

/** The Teach course screen's two views, as links (each view has its own address). */
export function TeachTabs({ courseId, current }: { courseId: string; current: 'files' | 'insights' }) {
  const tabs = [
    { id: 'files', label: 'Lessons and files', href: `/teach/${courseId}` },
    { id: 'insights', label: 'Insights', href: `/teach/${courseId}?view=insights` },
  ] as const;
  return (
    <nav className="teach-tabs" aria-label="Course views">
      <ul>
        {tabs.map((t) => (
          <li key={t.id}>
            <Link
              href={t.href}
              className={`teach-tabs__link${t.id === current ? ' teach-tabs__link--current' : ''}`}
              aria-current={t.id === current ? 'page' : undefined}
            >
              {t.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function ago(seconds: number): string {
  if (seconds < 60) return 'less than a minute';
  const m = Math.round(seconds / 60);
  if (m < 60) return `${m} ${m === 1 ? 'minute' : 'minutes'}`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} ${h === 1 ? 'hour' : 'hours'}`;
  const d = Math.round(h / 24);
  return `${d} days`;
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
  const [range, setRange] = useState<RangeChoice>({ kind: 'preset', last: '7d' });
  const [shown, setShown] = useState<Shown | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);
  const heading = useFocusHeading<HTMLHeadingElement>('Insights', courseId);

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
        <span aria-hidden="true">← </span>All my courses
      </Link>
      {title ? <p className="course__eyebrow">{title}</p> : null}
      <h1 ref={heading} tabIndex={-1}>
        Insights
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
            ? `Loading the figures for ${describeRange(range)}…`
            : stale || !data
              ? ''
              : data.source === 'cache'
                ? `Offline copy from ${new Date(data.fetchedAt).toLocaleString()}`
                : `Updated ${shown?.at.toLocaleTimeString() ?? ''} · refreshes every ${REFRESH_MS / 1000} s`}
        </p>
        <Button
          onClick={() => void load()}
          busy={loading && shown !== null && !stale}
          busyLabel="Refreshing…"
        >
          Refresh now
        </Button>
      </div>

      {data?.offline && !stale ? (
        <Banner tone="warning">
          The server cannot be reached: these figures were fetched {ago(data.ageSeconds)} ago. They update
          when you are back online.
        </Banner>
      ) : null}
      {error && shown && !stale && error.code !== 'offline' ? (
        <Banner tone="error">Showing the last figures received. {error.message}</Banner>
      ) : null}

      {!shown && loading ? <Spinner label="Loading the insights…" /> : null}
      {!shown && !loading && error ? <InsightsError error={error} retry={() => void load()} /> : null}
      {shown && stale && error ? <InsightsError error={error} retry={() => void load()} /> : null}
      {shown && empty && !stale ? (
        <Banner tone="info">
          No learner activity in {describeRange(shown.range)} yet. Students&apos; activity shows here within
          seconds of reaching the server; work done offline arrives when their device reconnects.
        </Banner>
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
  if (error.code === 'offline')
    return (
      <EmptyState title="Insights need a connection" action={<Button onClick={retry}>Try again</Button>}>
        <p>
          They come from the server, which cannot be reached right now, and this range was not fetched on this
          device before. Figures you have looked at are kept here for when you are offline.
        </p>
      </EmptyState>
    );
  if (error.code === 'forbidden' || error.code === 'not_found')
    return (
      <Banner tone="error">
        {error.code === 'forbidden'
          ? 'Only the instructors of this course can see its insights.'
          : 'This course does not exist (any more).'}
      </Banner>
    );
  return (
    <div className="teach__error">
      <Banner tone="error">The insights could not be loaded: {error.message}</Banner>
      <Button onClick={retry}>Try again</Button>
    </div>
  );
}
