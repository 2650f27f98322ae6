import { Banner } from '../../components/Banner.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Link } from '../../components/Link.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { formatAgo } from '../../lib/format.ts';
import { learningApi } from '../../lib/learning-api.ts';
import { useSync } from '../../lib/sync.tsx';
import { useFocusHeading } from '../../lib/use-focus-heading.ts';
import { useLoad } from '../../lib/use-load.ts';
import { ProgressBar } from './ProgressBar.tsx';

export function formatDue(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** My Learning: enrolled courses with progress, where to continue, what is due. Works offline from the local store. */
export function MyLearning() {
  const { version } = useSync();
  const { state } = useLoad(() => learningApi.list(), [version]);
  const heading = useFocusHeading<HTMLHeadingElement>('My Learning');
  return (
    <main id="main" className="page learning">
      <h1 ref={heading} tabIndex={-1}>
        My Learning
      </h1>
      {state.status === 'loading' ? <Spinner label="Loading your courses…" /> : null}
      {state.status === 'error' ? <Banner tone="error">{state.error.message}</Banner> : null}
      {state.status === 'ready' && !state.data.online ? (
        <Banner tone="info">
          You are offline. Everything you do here is saved and syncs when you are back.
        </Banner>
      ) : null}
      {state.status === 'ready' && state.data.items.length === 0 ? (
        <EmptyState
          title="You are not enrolled in any course yet"
          action={<Link href="/">Browse the catalog</Link>}
        >
          Enroll in a course (while online) and it shows up here, ready to study even without a connection.
        </EmptyState>
      ) : null}
      {state.status === 'ready' && state.data.items.length > 0 ? (
        <ul className="learning__list" data-testid="learning-list">
          {state.data.items.map((c) => (
            <li key={c.courseId} className="learning-card" data-testid="learning-item">
              <h2 className="learning-card__title">
                <Link href={`/learn/${c.courseId}`}>{c.title}</Link>
              </h2>
              <ProgressBar
                value={c.progressPercent}
                label={`${c.completedLessons} of ${c.requiredLessons} required lessons done`}
              />
              {c.status === 'completed' ? <p className="badge badge--success">Completed</p> : null}
              {c.nextLesson ? (
                <p>
                  Next:{' '}
                  <Link href={`/learn/${c.courseId}/lessons/${c.nextLesson.lessonId}`}>
                    {c.nextLesson.title}
                  </Link>
                </p>
              ) : null}
              {c.upcomingDue.length ? (
                <ul className="due" aria-label="Due soon">
                  {c.upcomingDue.map((d) => (
                    <li key={d.lessonId} className={d.overdue ? 'due__item due__item--overdue' : 'due__item'}>
                      {d.title}: {d.overdue ? 'overdue since' : 'due'} {formatDue(d.dueAt)}
                    </li>
                  ))}
                </ul>
              ) : null}
              <p className="muted">
                {c.offline?.state === 'ready'
                  ? 'Available offline'
                  : c.structureStored
                    ? 'Saved on this device'
                    : 'Not on this device yet'}
                {c.lastActivityAt ? ` · last studied ${formatAgo(c.lastActivityAt)}` : ''}
              </p>
            </li>
          ))}
        </ul>
      ) : null}
    </main>
  );
}
