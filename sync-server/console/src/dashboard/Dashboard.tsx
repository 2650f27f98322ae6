import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Dashboard as DashboardData } from '@lyceum/contracts';
import {
  BarList,
  Columns,
  RangePicker,
  dailyEvents,
  funnelSteps,
  questionBars,
  ratingColumns,
  ratingMean,
  StatTile,
  TimeSeries,
  rangeQuery,
  worstDropOffs,
  type RangeChoice,
} from '@lyceum/ui';
import { LyceumApiError } from '@lyceum/client';
import { useUiText } from '@lyceum/ui/i18n';
import { useIntl } from 'react-intl';
import { useT } from '../i18n/catalogues.ts';
import { client, describeError } from '../api.ts';
import { useLive } from './use-live.ts';
import { SalesPanels } from '../payments/SalesPanels.tsx';

/** The live analytics dashboard: figures for a time range, fetched again whenever the server says they changed. */
export function Dashboard(p: { onSignedOut: () => void }) {
  const t = useT();
  const ui = useUiText();
  const intl = useIntl();
  const [range, setRange] = useState<RangeChoice>({ kind: 'preset', last: '7d' });
  const [courseId, setCourseId] = useState<string | null>(null);
  const [data, setData] = useState<DashboardData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);

  const load = useCallback(async () => {
    try {
      const d = await client.call('analyticsDashboard', {
        query: { ...rangeQuery(range), ...(courseId ? { courseId } : {}) },
      });
      setData(d);
      setError(null);
      setUpdatedAt(new Date());
    } catch (err) {
      if (err instanceof LyceumApiError && err.status === 401) p.onSignedOut();
      else setError(describeError(err, t));
    }
  }, [range, courseId, p, t]);

  useEffect(() => {
    void load();
  }, [load]);
  const live = useLive(() => void load());

  const name = useMemo(() => {
    const n = data?.names;
    return {
      course: (id: string) => n?.courses[id] ?? id.slice(0, 8),
      lesson: (id: string) => n?.lessons[id] ?? id.slice(0, 8),
      question: (id: string) => n?.questions[id] ?? id,
    };
  }, [data]);

  if (!data)
    return error ? (
      <div role="alert" className="panel error">
        <p>{t('dashboard.loadFailed', { error })}</p>
        <button type="button" className="button" onClick={() => void load()}>
          {t('dashboard.tryAgain')}
        </button>
      </div>
    ) : (
      <p className="panel" role="status">
        {t('dashboard.loading')}
      </p>
    );

  const o = data.overview;
  const ratings = data.ratings.overall;
  const courseOptions = Object.entries(data.names.courses).sort((a, b) =>
    a[1].localeCompare(b[1], intl.locale),
  );

  return (
    <div className="dashboard">
      <div className="toolbar">
        <h1>{t('dashboard.title')}</h1>
        <RangePicker value={range} onChange={setRange} classes={{ fieldset: 'range', field: 'field' }} />
        <label className="field">
          {t('dashboard.course')}
          <select value={courseId ?? ''} onChange={(e) => setCourseId(e.target.value || null)}>
            <option value="">{t('dashboard.allCourses')}</option>
            {courseOptions.map(([id, title]) => (
              <option key={id} value={id}>
                {title}
              </option>
            ))}
          </select>
        </label>
        <p className={`live live-${live}`} role="status">
          {live === 'live'
            ? t('dashboard.live')
            : live === 'connecting'
              ? t('dashboard.connecting')
              : t('dashboard.notLive')}
          {updatedAt
            ? t('dashboard.updated', { time: intl.formatTime(updatedAt, { timeStyle: 'medium' }) })
            : ''}
        </p>
      </div>
      {error ? (
        <p role="alert" className="panel error">
          {t('dashboard.stale', { error })}
        </p>
      ) : null}

      <section className="tiles" aria-label={t('dashboard.headline')}>
        <StatTile
          label={t('dashboard.activeNow')}
          value={o.activeLearnersNow}
          hint={t('dashboard.last5min')}
        />
        <StatTile
          label={t('dashboard.eventsPerSecond')}
          value={o.eventsPerSecond}
          format="decimal"
          hint={t('dashboard.lastMinute')}
        />
        <StatTile label={t('dashboard.events')} value={o.totals.events} hint={t('dashboard.inRange')} />
        <StatTile label={t('dashboard.learners')} value={o.totals.learners} />
        <StatTile label={t('dashboard.activeTime')} value={o.totals.activeSeconds} format="seconds" />
        <StatTile
          label={t('dashboard.averageRating')}
          value={ratings.mean}
          format="decimal"
          hint={t('dashboard.ratingsCount', { count: ratings.count })}
        />
      </section>

      <div className="grid">
        <section className="panel wide">
          <TimeSeries
            title={t('dashboard.eventsPerDay')}
            subtitle={t('dashboard.eventsPerDay.sub')}
            points={dailyEvents(data.daily)}
          />
        </section>
        <section className="panel">
          <Columns
            title={t('dashboard.funnel')}
            subtitle={t('dashboard.funnel.sub')}
            funnel
            data={funnelSteps(data.funnel, ui)}
          />
        </section>
        <SalesPanels range={range} courseId={courseId} version={updatedAt?.getTime() ?? 0} />
        <section className="panel">
          <BarList
            title={t('dashboard.completionRate')}
            format="percent"
            max={1}
            data={data.funnel
              .filter((f) => f.completionRate !== null)
              .map((f) => ({
                label: name.course(f.courseId),
                value: f.completionRate ?? 0,
                detail: t('dashboard.completionDetail', { done: f.completedCourse, count: f.enrolled }),
              }))}
          />
        </section>
        <section className="panel">
          <BarList
            title={t('dashboard.engagement')}
            subtitle={t('dashboard.engagement.sub')}
            format="decimal"
            max={100}
            data={data.engagement.courses.map((c) => ({
              label: name.course(c.courseId),
              value: c.avgScore,
              detail: t('dashboard.learnersCount', { count: c.learners }),
            }))}
          />
        </section>
        <section className="panel">
          <Columns
            title={t('dashboard.ratings')}
            subtitle={
              ratings.mean === null
                ? undefined
                : t('dashboard.ratings.mean', { mean: ratingMean(ratings.mean, intl.locale) })
            }
            data={ratingColumns(ratings)}
          />
        </section>
        <section className="panel">
          <BarList
            title={t('dashboard.dropOff')}
            subtitle={t('dashboard.dropOff.sub')}
            format="percent"
            max={1}
            tone="warn"
            keepOrder
            data={worstDropOffs(data.lessons, name.lesson, 8, ui)}
          />
        </section>
        <section className="panel">
          <BarList
            title={t('dashboard.hardest')}
            subtitle={t('dashboard.hardest.sub')}
            format="percent"
            max={1}
            tone="warn"
            keepOrder
            data={questionBars(data.questions, name.question, ui, intl.locale)}
          />
        </section>
        <section className="panel">
          <BarList
            title={t('dashboard.engaged')}
            format="decimal"
            max={100}
            keepOrder
            data={data.engagement.students.map((s) => ({
              label: data.names.learners[s.actor] ?? s.actor,
              value: s.score,
              detail: t('dashboard.engagedDetail', {
                minutes: Math.round(s.activeSeconds / 60),
                count: s.lessonsCompleted,
              }),
            }))}
          />
        </section>
      </div>
    </div>
  );
}
