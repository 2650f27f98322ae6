import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Link } from '../../components/Link.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { teachApi } from '../../lib/teach-api.ts';
import { useFocusHeading } from '../../lib/use-focus-heading.ts';
import { useLoad } from '../../lib/use-load.ts';
import './teach.css';

const statusText: Record<string, string> = { draft: 'Draft', published: 'Published', archived: 'Archived' };

/** Teach: the courses the signed-in instructor teaches, to upload their videos and slides. Needs the server. */
export function TeachCourses() {
  const { state, reload } = useLoad(() => teachApi.courses(), []);
  const heading = useFocusHeading<HTMLHeadingElement>('Teach');
  return (
    <main id="main" className="page teach">
      <h1 ref={heading} tabIndex={-1}>
        Teach
      </h1>
      <p className="muted teach__intro">
        Upload videos and slides for the lessons of your courses. Uploading needs a connection; an upload
        interrupted by closing the app goes on where it stopped.
      </p>
      {state.status === 'loading' ? <Spinner label="Loading your courses…" /> : null}
      {state.status === 'error' ? (
        <div className="teach__error">
          <Banner tone="error">
            {state.error.code === 'forbidden'
              ? 'Only instructors can upload course files.'
              : state.error.message}
          </Banner>
          {state.error.code !== 'forbidden' ? <Button onClick={reload}>Try again</Button> : null}
        </div>
      ) : null}
      {state.status === 'ready' && state.data.items.length === 0 ? (
        <EmptyState title="You do not teach any course yet">
          Courses where you are an instructor show up here, drafts included.
        </EmptyState>
      ) : null}
      {state.status === 'ready' && state.data.items.length > 0 ? (
        <ul className="teach-courses" data-testid="teach-courses">
          {state.data.items.map((c) => (
            <li key={c.id} className="teach-course-card">
              <h2 className="teach-course-card__title">
                <Link href={`/teach/${c.id}`}>{c.title}</Link>
              </h2>
              <p className="muted">
                <span className="badge">{statusText[c.status] ?? c.status}</span> {c.lessonCount}{' '}
                {c.lessonCount === 1 ? 'lesson' : 'lessons'}
              </p>
            </li>
          ))}
        </ul>
      ) : null}
    </main>
  );
}
