import { useState } from 'react';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Link } from '../../components/Link.tsx';
import { Markdown } from '../../components/Markdown.tsx';
import { LoadingPage, UnavailablePage } from '../../components/PageState.tsx';
import { failureMessage } from '../../lib/api.ts';
import { labels } from '../../lib/format.ts';
import { learningApi } from '../../lib/learning-api.ts';
import { useSync } from '../../lib/sync.tsx';
import { useFocusHeading } from '../../lib/use-focus-heading.ts';
import { useLoad } from '../../lib/use-load.ts';
import { LessonMedia } from './LessonMedia.tsx';
import { Quiz } from './Quiz.tsx';

/** The lesson player: text lessons (safe Markdown) with "mark complete", quizzes, videos and slides. */
export function Lesson({ courseId, lessonId }: { courseId: string; lessonId: string }) {
  const { version } = useSync();
  const { state, set, reload } = useLoad(
    () => learningApi.lesson(courseId, lessonId),
    [courseId, lessonId, version],
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const title = state.status === 'ready' ? state.data.lesson.title : 'Lesson';
  const heading = useFocusHeading<HTMLHeadingElement>(title, `${lessonId}:${state.status === 'loading'}`);
  const back = (
    <Link href={`/learn/${courseId}`} className="back-link">
      <span aria-hidden="true">← </span>
      {state.status === 'ready' ? state.data.courseTitle : 'Course'}
    </Link>
  );
  if (state.status === 'loading') return <LoadingPage back={back} heading={heading} what="lesson" />;
  if (state.status === 'error')
    return (
      <UnavailablePage back={back} heading={heading} title="Lesson not available">
        <EmptyState title={state.error.message} />
      </UnavailablePage>
    );
  const d = state.data;
  const complete = async () => {
    setBusy(true);
    setError(null);
    try {
      set(await learningApi.complete(courseId, lessonId));
    } catch (err) {
      setError(failureMessage(err, 'Could not save.'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" className="page lesson-player">
      {back}
      <p className="course__eyebrow">
        {d.module.title} · {labels.kind[d.lesson.kind] ?? d.lesson.kind}
      </p>
      <h1 ref={heading} tabIndex={-1}>
        {d.lesson.title}
      </h1>
      {d.status.completed ? (
        <p className="badge badge--success" data-testid="lesson-completed">
          Completed
        </p>
      ) : null}
      {d.lesson.kind === 'text' ? (
        d.lesson.body !== undefined ? (
          <article className="lesson-player__body">
            <Markdown source={d.lesson.body} />
          </article>
        ) : (
          <Banner tone="warning">
            This lesson's text is not on this device yet. Connect once to download it.
          </Banner>
        )
      ) : null}
      {d.lesson.kind === 'quiz' ? <Quiz data={d} onSubmitted={set} /> : null}
      {d.lesson.kind === 'video' || d.lesson.kind === 'slides' ? (
        <>
          <LessonMedia d={d} onCompleted={reload} />
          {d.lesson.body ? (
            <article className="lesson-player__body">
              <Markdown source={d.lesson.body} />
            </article>
          ) : null}
        </>
      ) : null}
      {error ? <Banner tone="error">{error}</Banner> : null}
      <div className="lesson-player__actions">
        {d.lesson.kind !== 'quiz' && d.lesson.kind !== 'video' && !d.status.completed ? (
          <Button variant="primary" onClick={() => void complete()} busy={busy} busyLabel="Saving…">
            Mark complete
          </Button>
        ) : null}
        {d.previousLessonId ? (
          <Link
            href={`/learn/${courseId}/lessons/${d.previousLessonId}`}
            className="button button--secondary"
          >
            Previous lesson
          </Link>
        ) : null}
        {d.nextLessonId ? (
          <Link href={`/learn/${courseId}/lessons/${d.nextLessonId}`} className="button button--secondary">
            Next lesson
          </Link>
        ) : null}
      </div>
    </main>
  );
}
