import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Dashboard as DashboardData } from '@lyceum/contracts';
import {
  BarList,
  Columns,
  RangePicker,
  dailyEvents,
  funnelSteps,
  questionBars,
  StatTile,
  TimeSeries,
  rangeQuery,
  worstDropOffs,
  type RangeChoice,
} from '@lyceum/ui';
import { LyceumApiError } from '@lyceum/client';
import { client, describeError } from '../api.ts';
import { useLive } from './use-live.ts';

/** The live analytics dashboard: figures for a time range, fetched again whenever the server says they changed. */
export function Dashboard(p: { onSignedOut: () => void }) {
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
      else setError(describeError(err));
    }
  }, [range, courseId, p]);

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
        <p>The dashboard could not be loaded: {error}</p>
        <button type="button" className="button" onClick={() => void load()}>
          Try again
        </button>
      </div>
    ) : (
      <p className="panel" role="status">
        Loading the figures…
      </p>
    );

  const o = data.overview;
  const ratings = data.ratings.overall;
  const courseOptions = Object.entries(data.names.courses).sort((a, b) => a[1].localeCompare(b[1]));

  return (
    <div className="dashboard">
      <div className="toolbar">
        <h1>Learning analytics</h1>
        <RangePicker value={range} onChange={setRange} classes={{ fieldset: 'range', field: 'field' }} />
        <label className="field">
          Course
          <select value={courseId ?? ''} onChange={(e) => setCourseId(e.target.value || null)}>
            <option value="">All courses</option>
            {courseOptions.map(([id, title]) => (
              <option key={id} value={id}>
                {title}
              </option>
            ))}
          </select>
        </label>
        <p className={`live live-${live}`} role="status">
          {live === 'live' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Not live (retrying)'}
          {updatedAt ? ` · updated ${updatedAt.toLocaleTimeString()}` : ''}
        </p>
      </div>
      {error ? (
        <p role="alert" className="panel error">
          Showing the last figures received: {error}
        </p>
      ) : null}

      <section className="tiles" aria-label="Headline figures">
        <StatTile label="Active learners now" value={o.activeLearnersNow} hint="in the last 5 minutes" />
        <StatTile
          label="Events per second"
          value={o.eventsPerSecond}
          format="decimal"
          hint="over the last minute"
        />
        <StatTile label="Events" value={o.totals.events} hint="in the range" />
        <StatTile label="Learners" value={o.totals.learners} />
        <StatTile label="Active learning time" value={o.totals.activeSeconds} format="seconds" />
        <StatTile
          label="Average rating"
          value={ratings.mean}
          format="decimal"
          hint={`${ratings.count} ratings`}
        />
      </section>

      <div className="grid">
        <section className="panel wide">
          <TimeSeries
            title="Events per day"
            subtitle="Event time: offline work counts on the day it happened"
            points={dailyEvents(data.daily)}
          />
        </section>
        <section className="panel">
          <Columns
            title="Completion funnel"
            subtitle="Learners active in the range, by how far they got"
            funnel
            data={funnelSteps(data.funnel)}
          />
        </section>
        <section className="panel">
          <BarList
            title="Completion rate per course"
            format="percent"
            max={1}
            data={data.funnel
              .filter((f) => f.completionRate !== null)
              .map((f) => ({
                label: name.course(f.courseId),
                value: f.completionRate ?? 0,
                detail: `${f.completedCourse} of ${f.enrolled} learners`,
              }))}
          />
        </section>
        <section className="panel">
          <BarList
            title="Engagement per course"
            subtitle="Mean learner score, 0–100"
            format="decimal"
            max={100}
            data={data.engagement.courses.map((c) => ({
              label: name.course(c.courseId),
              value: c.avgScore,
              detail: `${c.learners} learners`,
            }))}
          />
        </section>
        <section className="panel">
          <Columns
            title="Ratings"
            subtitle={ratings.mean === null ? undefined : `Mean ${ratings.mean.toFixed(2)} of 5`}
            data={ratings.count ? ratings.histogram.map((n, i) => ({ label: `${i + 1} ★`, value: n })) : []}
          />
        </section>
        <section className="panel">
          <BarList
            title="Worst drop-off points"
            subtitle="Share of viewing sessions that stopped in that part of the video"
            format="percent"
            max={1}
            tone="warn"
            keepOrder
            data={worstDropOffs(data.lessons, name.lesson)}
          />
        </section>
        <section className="panel">
          <BarList
            title="Hardest questions"
            subtitle="Share correct on the first answer (lowest first)"
            format="percent"
            max={1}
            tone="warn"
            keepOrder
            data={questionBars(data.questions, name.question)}
          />
        </section>
        <section className="panel">
          <BarList
            title="Most engaged learners"
            format="decimal"
            max={100}
            keepOrder
            data={data.engagement.students.map((s) => ({
              label: data.names.learners[s.actor] ?? s.actor,
              value: s.score,
              detail: `${Math.round(s.activeSeconds / 60)} active min, ${s.lessonsCompleted} lessons`,
            }))}
          />
        </section>
      </div>
    </div>
  );
}
