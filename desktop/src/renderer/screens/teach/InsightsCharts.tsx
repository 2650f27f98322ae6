import type { Dashboard } from '@lyceum/contracts';
import {
  BarList,
  Columns,
  StatTile,
  TimeSeries,
  dailyEvents,
  funnelSteps,
  questionBars,
  ratingColumns,
  ratingMean,
  worstDropOffs,
} from '@lyceum/ui';
import { useUiText } from '@lyceum/ui/i18n';
import { useIntl } from 'react-intl';
import { useT } from '../../i18n/use-t.ts';

/** One course's insights as tiles and charts (the admin console's dashboard, for one course). */
export function InsightsCharts({ data, courseId }: { data: Dashboard; courseId: string }) {
  const t = useT();
  const ui = useUiText();
  const intl = useIntl();
  const n = data.names;
  const lessonName = (id: string) => n.lessons[id] ?? t('insights.lessonFallback', { id: id.slice(0, 8) });
  const questionName = (id: string) =>
    n.questions[id] ?? t('insights.questionFallback', { id: id.slice(0, 8) });
  const o = data.overview;
  const funnel = data.funnel.find((f) => f.courseId === courseId) ?? null;
  const engagement = data.engagement.courses.find((c) => c.courseId === courseId) ?? null;
  const ratings = data.ratings.courses.find((r) => r.courseId === courseId) ?? data.ratings.overall;
  const lessons = data.lessons.filter((l) => l.courseId === courseId);
  const questions = data.questions.filter((q) => q.courseId === courseId);

  return (
    <>
      <section className="insights-tiles" aria-label={t('insights.headline')}>
        <StatTile label={t('insights.activeNow')} value={o.activeLearnersNow} hint={t('insights.last5min')} />
        <StatTile
          label={t('insights.learners')}
          value={o.totals.learners}
          hint={t('insights.activeInRange')}
        />
        <StatTile label={t('insights.activeTime')} value={o.totals.activeSeconds} format="seconds" />
        <StatTile label={t('insights.lessonCompletions')} value={o.totals.lessonCompletions} />
        <StatTile
          label={t('insights.completionRate')}
          value={funnel?.completionRate ?? null}
          format="percent"
          hint={
            funnel
              ? t('insights.ofLearners', { done: funnel.completedCourse, count: funnel.enrolled })
              : undefined
          }
        />
        <StatTile label={t('insights.quizAnswers')} value={o.totals.quizAnswers} />
        <StatTile
          label={t('insights.averageRating')}
          value={ratings.mean}
          format="decimal"
          hint={t('insights.ratings', { count: ratings.count })}
        />
        <StatTile
          label={t('insights.engagement')}
          value={engagement?.avgScore ?? null}
          format="decimal"
          hint={t('insights.engagement.hint')}
        />
      </section>

      <div className="insights-grid">
        <section className="insights-panel">
          <TimeSeries
            title={t('insights.eventsPerDay')}
            subtitle={t('insights.eventsPerDay.sub')}
            points={dailyEvents(data.daily)}
          />
        </section>
        <section className="insights-panel">
          <Columns
            title={t('insights.funnel')}
            subtitle={t('insights.funnel.sub')}
            funnel
            data={funnelSteps(funnel ? [funnel] : [], ui)}
          />
        </section>
        <section className="insights-panel">
          <BarList
            title={t('insights.perLesson')}
            subtitle={t('insights.perLesson.sub')}
            format="percent"
            max={1}
            limit={50}
            data={lessons
              .filter((l) => l.completionRate !== null)
              .map((l) => ({
                label: lessonName(l.lessonId),
                value: l.completionRate ?? 0,
                detail: t('insights.perLesson.detail', { done: l.completed, count: l.started }),
              }))}
          />
        </section>
        <section className="insights-panel">
          <BarList
            title={t('insights.dropOff')}
            subtitle={t('insights.dropOff.sub')}
            format="percent"
            max={1}
            tone="warn"
            keepOrder
            data={worstDropOffs(lessons, lessonName, 8, ui)}
          />
        </section>
        <section className="insights-panel">
          <BarList
            title={t('insights.hardest')}
            subtitle={t('insights.hardest.sub')}
            format="percent"
            max={1}
            tone="warn"
            keepOrder
            data={questionBars(questions, questionName, ui, intl.locale)}
          />
        </section>
        <section className="insights-panel">
          <Columns
            title={t('insights.ratingsChart')}
            subtitle={
              ratings.mean === null
                ? undefined
                : t('insights.ratings.mean', { mean: ratingMean(ratings.mean, intl.locale) })
            }
            data={ratingColumns(ratings)}
          />
        </section>
        <section className="insights-panel">
          <BarList
            title={t('insights.timePerLesson')}
            subtitle={t('insights.timePerLesson.sub')}
            format="seconds"
            limit={50}
            data={lessons
              .filter((l) => l.timeSpentSeconds > 0)
              .map((l) => ({
                label: lessonName(l.lessonId),
                value: l.timeSpentSeconds,
                detail: t('insights.learnersCount', { count: l.started }),
              }))}
          />
        </section>
        <section className="insights-panel">
          <BarList
            title={t('insights.engaged')}
            subtitle={t('insights.engaged.sub')}
            format="decimal"
            max={100}
            keepOrder
            data={data.engagement.students.map((s) => ({
              label: n.learners[s.actor] ?? s.actor,
              value: s.score,
              detail: t('insights.engaged.detail', {
                minutes: Math.round(s.activeSeconds / 60),
                count: s.lessonsCompleted,
              }),
            }))}
          />
        </section>
      </div>
    </>
  );
}
