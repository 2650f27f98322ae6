import { useState } from 'react';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Link } from '../../components/Link.tsx';
import { Markdown } from '../../components/Markdown.tsx';
import { LoadingPage, UnavailablePage } from '../../components/PageState.tsx';
import { failureMessage } from '../../lib/api.ts';
import { useT } from '../../i18n/use-t.ts';
import { useFormat } from '../../lib/format.ts';
import { learningApi } from '../../lib/learning-api.ts';
import { useSync } from '../../lib/sync.tsx';
import { useFocusHeading } from '../../lib/use-focus-heading.ts';
import { useLoad } from '../../lib/use-load.ts';
import { LessonMedia } from './LessonMedia.tsx';
import { Quiz } from './Quiz.tsx';

/** The lesson player: text lessons (safe Markdown) with "mark complete", quizzes, videos and slides. */
export function Lesson({ courseId, lessonId }: { courseId: string; lessonId: string }) {
  const t = useT();
  const f = useFormat();
  const { version } = useSync();
  const { state, set, reload } = useLoad(
    () => learningApi.lesson(courseId, lessonId),
    [courseId, lessonId, version],
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const title = state.status === 'ready' ? state.data.lesson.title : t('lesson.fallbackTitle');
  const heading = useFocusHeading<HTMLHeadingElement>(title, `${lessonId}:${state.status === 'loading'}`);
  const back = (
    <Link href={`/learn/${courseId}`} className="back-link">
      <span aria-hidden="true">← </span>
      {state.status === 'ready' ? state.data.courseTitle : t('lesson.fallbackCourse')}
    </Link>
  );
  if (state.status === 'loading') return <LoadingPage back={back} heading={heading} what="lesson" />;
  if (state.status === 'error')
    return (
      <UnavailablePage back={back} heading={heading} title={t('lesson.unavailable')}>
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
      setError(failureMessage(err, t('lesson.saveFailed')));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" className="page lesson-player">
      {back}
      <p className="course__eyebrow">
        {d.module.title} · {f.label('kind', d.lesson.kind)}
      </p>
      <h1 ref={heading} tabIndex={-1}>
        {d.lesson.title}
      </h1>
      {d.status.completed ? (
        <p className="badge badge--success" data-testid="lesson-completed">
          {t('lesson.completed')}
        </p>
      ) : null}
      {d.lesson.kind === 'text' ? (
        d.lesson.body !== undefined ? (
          <article className="lesson-player__body">
            <Markdown source={d.lesson.body} />
          </article>
        ) : (
          <Banner tone="warning">{t('lesson.textMissing')}</Banner>
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
          <Button
            variant="primary"
            onClick={() => void complete()}
            busy={busy}
            busyLabel={t('lesson.saving')}
          >
            {t('lesson.markComplete')}
          </Button>
        ) : null}
        {d.previousLessonId ? (
          <Link
            href={`/learn/${courseId}/lessons/${d.previousLessonId}`}
            className="button button--secondary"
          >
            {t('lesson.previous')}
          </Link>
        ) : null}
        {d.nextLessonId ? (
          <Link href={`/learn/${courseId}/lessons/${d.nextLessonId}`} className="button button--secondary">
            {t('lesson.next')}
          </Link>
        ) : null}
      </div>
    </main>
  );
}
