import type { MediaAsset } from '../../../contracts/content.ts';
import type { PreviewLesson as Preview, PreviewMedia } from '../../../contracts/preview.ts';
import { Banner } from '../../components/Banner.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Link } from '../../components/Link.tsx';
import { LessonText, LessonTitle, NeighbourLessons, useLessonFrame } from '../../components/LessonPage.tsx';
import { LoadingPage, UnavailablePage } from '../../components/PageState.tsx';
import { Attachments } from '../../components/media/Attachments.tsx';
import { SlidesViewer } from '../../components/media/SlidesViewer.tsx';
import { VideoPlayer } from '../../components/media/VideoPlayer.tsx';
import { useT } from '../../i18n/use-t.ts';
import { api } from '../../lib/api.ts';
import { useLoad } from '../../lib/use-load.ts';
import '../../styles/media.css';

const isVideo = (a: MediaAsset) => a.kind === 'video' && a.contentType.includes('mpegurl');
const isPdf = (a: MediaAsset) => a.contentType === 'application/pdf';

/** The video, slides and other files of a preview lesson, streamed from the server; nothing is recorded. */
function PreviewFiles({ media, title }: { media: PreviewMedia; title: string }) {
  const t = useT();
  if (media.assets.length === 0)
    return (
      <EmptyState
        title={
          media.preparing > 0
            ? t('preview.media.preparing')
            : media.source === 'device'
              ? t('preview.media.offline')
              : t('preview.media.none')
        }
      >
        {media.preparing > 0 ? <p>{t('preview.media.preparingHint')}</p> : null}
      </EmptyState>
    );
  const videos = media.assets.filter(isVideo);
  const slides = media.assets.filter((a) => !isVideo(a) && isPdf(a));
  const others = media.assets.filter((a) => !isVideo(a) && !isPdf(a));
  return (
    <div className="lesson-media">
      {videos.map((a) => (
        <VideoPlayer
          key={a.assetId}
          src={a.url}
          poster={a.posterUrl}
          title={title}
          startAt={null}
          playbackRate={1}
          watched={[]}
          onReport={() => undefined}
          caption={t('preview.video.caption')}
        />
      ))}
      {slides.map((a) => (
        <SlidesViewer key={a.assetId} src={a.url} title={a.name} />
      ))}
      <Attachments title={t('preview.attachments')} assets={others} />
    </div>
  );
}

function Body({ d }: { d: Preview }) {
  const t = useT();
  const { lesson } = d;
  if (lesson.kind === 'quiz')
    return (
      <EmptyState title={t('preview.quiz.title', { count: lesson.quiz?.questionCount ?? 0 })}>
        <p>{t('preview.quiz.hint')}</p>
      </EmptyState>
    );
  return (
    <>
      {d.media ? <PreviewFiles media={d.media} title={lesson.title} /> : null}
      {lesson.body ? (
        <LessonText source={lesson.body} />
      ) : lesson.kind === 'text' ? (
        <Banner tone="warning">{t('preview.text.missing')}</Banner>
      ) : null}
    </>
  );
}

/**
 * A lesson opened from the course page by a visitor who is not enrolled: a preview lesson's text, video or slides,
 * streamed from the server. Nothing is recorded; the page says how to get the rest of the course.
 */
export function PreviewLesson({ courseId, lessonId }: { courseId: string; lessonId: string }) {
  const t = useT();
  const { state } = useLoad(() => api.previewLesson(courseId, lessonId), [courseId, lessonId]);
  const { heading, back } = useLessonFrame(state, {
    backHref: `/courses/${courseId}`,
    fallbackTitle: t('preview.title'),
    fallbackCourse: t('preview.backToCourse'),
    focusKey: `${lessonId}:${state.status}`,
  });
  if (state.status === 'loading') return <LoadingPage back={back} heading={heading} what="lesson" />;
  if (state.status === 'error')
    return (
      <UnavailablePage
        back={back}
        heading={heading}
        title={state.error.code === 'not_enrolled' ? t('preview.locked.title') : t('preview.unavailable')}
      >
        <EmptyState
          title={state.error.message}
          action={
            <Link href={`/courses/${courseId}`} className="button button--primary">
              {state.error.code === 'not_enrolled'
                ? t('preview.enrollFromCourse')
                : t('preview.backToCourse')}
            </Link>
          }
        />
      </UnavailablePage>
    );
  const d = state.data;
  return (
    <main id="main" className="page lesson-player">
      {back}
      <LessonTitle
        moduleTitle={d.module.title}
        kind={d.lesson.kind}
        title={d.lesson.title}
        heading={heading}
      />
      {d.enrolled ? (
        <p className="media-source" data-testid="preview-note">
          <Link href={`/learn/${courseId}/lessons/${lessonId}`}>{t('preview.enrolled.study')}</Link>
        </p>
      ) : (
        <p className="media-source" data-testid="preview-note">
          {d.lesson.isPreview ? t('preview.note') : t('preview.open')}
        </p>
      )}
      {d.source === 'cache' ? <Banner tone="warning">{t('preview.offline')}</Banner> : null}
      <Body d={d} />
      <div className="lesson-player__actions">
        <NeighbourLessons
          previousLessonId={d.previousLessonId}
          nextLessonId={d.nextLessonId}
          lessonHref={(id) => `/courses/${courseId}/lessons/${id}`}
        />
        <Link href={`/courses/${courseId}`} className="button button--primary">
          {d.enrolled ? t('preview.backToCourse') : t('preview.enrollFromCourse')}
        </Link>
      </div>
    </main>
  );
}
