import { Banner } from '../../components/Banner.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Link } from '../../components/Link.tsx';
import { LoadingPage, UnavailablePage } from '../../components/PageState.tsx';
import { labels } from '../../lib/format.ts';
import { learningApi } from '../../lib/learning-api.ts';
import { useSync } from '../../lib/sync.tsx';
import { useFocusHeading } from '../../lib/use-focus-heading.ts';
import { useLoad } from '../../lib/use-load.ts';
import { DownloadPanel } from './DownloadPanel.tsx';
import { formatDue } from './MyLearning.tsx';
import { ProgressBar } from './ProgressBar.tsx';

/** A course as the enrolled student studies it: outline with what is done, progress, the offline switch. */
export function StudyCourse({ id }: { id: string }) {
  const { version } = useSync();
  const { state, set } = useLoad(() => learningApi.course(id), [id, version]);
  const title = state.status === 'ready' ? state.data.course.title : 'Course';
  const heading = useFocusHeading<HTMLHeadingElement>(title, `${id}:${state.status}`);
  const back = (
    <Link href="/learning" className="back-link">
      <span aria-hidden="true">← </span>My Learning
    </Link>
  );
  if (state.status === 'loading') return <LoadingPage back={back} heading={heading} what="course" />;
  if (state.status === 'error')
    return (
      <UnavailablePage back={back} heading={heading} title="Course not available">
        <EmptyState
          title={state.error.message}
          action={<Link href={`/courses/${id}`}>Open the course page</Link>}
        />
      </UnavailablePage>
    );
  const { course, enrollment, lessons } = state.data;
  return (
    <main id="main" className="page study">
      {back}
      <h1 ref={heading} tabIndex={-1}>
        {course.title}
      </h1>
      {!state.data.online ? (
        <Banner tone="info">You are offline. Your progress is saved here and syncs later.</Banner>
      ) : null}
      {enrollment ? (
        <ProgressBar
          value={enrollment.progressPercent}
          label={`${enrollment.completedLessons} of ${enrollment.requiredLessons} required lessons done`}
        />
      ) : (
        <Banner tone="warning">
          You are not enrolled in this course.{' '}
          <Link href={`/courses/${id}`}>Enroll from the course page</Link>.
        </Banner>
      )}
      {enrollment ? <DownloadPanel data={state.data} onChange={set} /> : null}
      <section aria-labelledby="outline-h" className="course__section">
        <h2 id="outline-h">Lessons</h2>
        <ol className="modules">
          {course.modules.map((m, mi) => (
            <li key={m.id} className="module">
              <h3 className="module__title">
                <span className="module__number">Module {mi + 1}</span> {m.title}
              </h3>
              <ol className="lessons">
                {m.lessons.map((l) => {
                  const done = lessons[l.id]?.completed ?? false;
                  return (
                    <li key={l.id} className={done ? 'lesson lesson--done' : 'lesson'}>
                      <span className={`lesson__kind lesson__kind--${l.kind}`}>
                        {labels.kind[l.kind] ?? l.kind}
                      </span>
                      <Link href={`/learn/${id}/lessons/${l.id}`} className="lesson__title">
                        {l.title}
                      </Link>
                      <span className="lesson__meta">
                        {done ? (
                          <span className="badge badge--success" data-testid="lesson-done">
                            Done
                          </span>
                        ) : null}
                        {l.dueAt ? <span className="muted">Due {formatDue(l.dueAt)}</span> : null}
                      </span>
                    </li>
                  );
                })}
              </ol>
            </li>
          ))}
        </ol>
      </section>
    </main>
  );
}
