import { useState } from 'react';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LessonText, LessonTitle, NeighbourLessons, useLessonFrame } from '../../components/LessonPage.tsx';
import { LoadingPage, UnavailablePage } from '../../components/PageState.tsx';
import { failureMessage } from '../../lib/api.ts';
import { useT } from '../../i18n/use-t.ts';
import { learningApi } from '../../lib/learning-api.ts';
import { useSync } from '../../lib/sync.tsx';
import { useLoad } from '../../lib/use-load.ts';
import { LessonMedia } from './LessonMedia.tsx';
import { Quiz } from './Quiz.tsx';

/** The lesson player: text lessons (safe Markdown) with "mark complete", quizzes, videos and slides. */
export function Lesson({ courseId, lessonId }: { courseId: string; lessonId: string }) {
  const t = useT();
  const { version } = useSync();
  const { state, set, reload } = useLoad(
    () => learningApi.lesson(courseId, lessonId),
    [courseId, lessonId, version],
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { heading, back } = useLessonFrame(state, {
    backHref: `/learn/${courseId}`,
    fallbackTitle: t('lesson.fallbackTitle'),
    fallbackCourse: t('lesson.fallbackCourse'),
    focusKey: `${lessonId}:${state.status === 'loading'}`,
  });
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
      <LessonTitle
        moduleTitle={d.module.title}
        kind={d.lesson.kind}
        title={d.lesson.title}
        heading={heading}
      />
      {d.status.completed ? (
        <p className="badge badge--success" data-testid="lesson-completed">
          {t('lesson.completed')}
        </p>
      ) : null}
      {d.lesson.kind === 'text' ? (
        d.lesson.body !== undefined ? (
          <LessonText source={d.lesson.body} />
        ) : (
          <Banner tone="warning">{t('lesson.textMissing')}</Banner>
        )
      ) : null}
      {d.lesson.kind === 'quiz' ? <Quiz data={d} onSubmitted={set} /> : null}
      {d.lesson.kind === 'video' || d.lesson.kind === 'slides' ? (
        <>
          <LessonMedia d={d} onCompleted={reload} />
          {d.lesson.body ? <LessonText source={d.lesson.body} /> : null}
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
        <NeighbourLessons
          previousLessonId={d.previousLessonId}
          nextLessonId={d.nextLessonId}
          lessonHref={(id) => `/learn/${courseId}/lessons/${id}`}
        />
      </div>
    </main>
  );
}
