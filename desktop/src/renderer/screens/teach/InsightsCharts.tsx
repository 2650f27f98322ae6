import type { Dashboard } from '@lyceum/contracts';
import {
  BarList,
  Columns,
  StatTile,
  TimeSeries,
  dailyEvents,
  funnelSteps,
  questionBars,
  worstDropOffs,
} from '@lyceum/ui';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One course's insights as tiles and charts (the admin console's dashboard, for one course). */
export function InsightsCharts({ data, courseId }: { data: Dashboard; courseId: string }) {
  const n = data.names;
  const lessonName = (id: string) => n.lessons[id] ?? `Lesson ${id.slice(0, 8)}`;
  const questionName = (id: string) => n.questions[id] ?? `Question ${id.slice(0, 8)}`;
  const o = data.overview;
  const funnel = data.funnel.find((f) => f.courseId === courseId) ?? null;
  const engagement = data.engagement.courses.find((c) => c.courseId === courseId) ?? null;
  const ratings = data.ratings.courses.find((r) => r.courseId === courseId) ?? data.ratings.overall;
  const lessons = data.lessons.filter((l) => l.courseId === courseId);
  const questions = data.questions.filter((q) => q.courseId === courseId);

  return (
    <>
      <section className="insights-tiles" aria-label="Headline figures">
        <StatTile label="Active learners now" value={o.activeLearnersNow} hint="in the last 5 minutes" />
        <StatTile label="Learners" value={o.totals.learners} hint="active in the range" />
        <StatTile label="Active learning time" value={o.totals.activeSeconds} format="seconds" />
        <StatTile label="Lesson completions" value={o.totals.lessonCompletions} />
        <StatTile
          label="Course completion rate"
          value={funnel?.completionRate ?? null}
          format="percent"
          hint={funnel ? `${funnel.completedCourse} of ${plural(funnel.enrolled, 'learner')}` : undefined}
        />
        <StatTile label="Quiz answers" value={o.totals.quizAnswers} />
        <StatTile
          label="Average rating"
          value={ratings.mean}
          format="decimal"
          hint={plural(ratings.count, 'rating')}
        />
        <StatTile
          label="Engagement"
          value={engagement?.avgScore ?? null}
          format="decimal"
          hint="mean learner score, 0–100"
        />
      </section>

      <div className="insights-grid">
        <section className="insights-panel">
          <TimeSeries
            title="Events per day"
            subtitle="Event time: work done offline counts on the day it happened"
            points={dailyEvents(data.daily)}
          />
        </section>
        <section className="insights-panel">
          <Columns
            title="Completion funnel"
            subtitle="Learners active in the range, by how far they got"
            funnel
            data={funnelSteps(funnel ? [funnel] : [])}
          />
        </section>
        <section className="insights-panel">
          <BarList
            title="Completion per lesson"
            subtitle="Share of the lesson's learners who completed it"
            format="percent"
            max={1}
            limit={50}
            data={lessons
              .filter((l) => l.completionRate !== null)
              .map((l) => ({
                label: lessonName(l.lessonId),
                value: l.completionRate ?? 0,
                detail: `${l.completed} of ${plural(l.started, 'learner')} completed`,
              }))}
          />
        </section>
        <section className="insights-panel">
          <BarList
            title="Worst drop-off points"
            subtitle="Share of viewing sessions that stopped in that part of the video"
            format="percent"
            max={1}
            tone="warn"
            keepOrder
            data={worstDropOffs(lessons, lessonName)}
          />
        </section>
        <section className="insights-panel">
          <BarList
            title="Hardest questions"
            subtitle="Share right on the first answer (lowest first)"
            format="percent"
            max={1}
            tone="warn"
            keepOrder
            data={questionBars(questions, questionName)}
          />
        </section>
        <section className="insights-panel">
          <Columns
            title="Ratings"
            subtitle={ratings.mean === null ? undefined : `Mean ${ratings.mean.toFixed(2)} of 5`}
            data={ratings.count ? ratings.histogram.map((v, i) => ({ label: `${i + 1} ★`, value: v })) : []}
          />
        </section>
        <section className="insights-panel">
          <BarList
            title="Time spent per lesson"
            subtitle="Active learning time, all learners together"
            format="seconds"
            limit={50}
            data={lessons
              .filter((l) => l.timeSpentSeconds > 0)
              .map((l) => ({
                label: lessonName(l.lessonId),
                value: l.timeSpentSeconds,
                detail: plural(l.started, 'learner'),
              }))}
          />
        </section>
        <section className="insights-panel">
          <BarList
            title="Most engaged learners"
            subtitle="Engagement score, 0–100"
            format="decimal"
            max={100}
            keepOrder
            data={data.engagement.students.map((s) => ({
              label: n.learners[s.actor] ?? s.actor,
              value: s.score,
              detail: `${Math.round(s.activeSeconds / 60)} active min, ${plural(s.lessonsCompleted, 'lesson')} completed`,
            }))}
          />
        </section>
      </div>
    </>
  );
}
