import { useCallback, useState } from 'react';
import type { WatchedInterval } from '@lyceum/contracts';
import type { MediaAsset, WatchBody, WatchState } from '../../../core/content-schemas.ts';
import type { StudyLesson } from '../../../core/learning-schemas.ts';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { SlidesViewer } from '../../components/media/SlidesViewer.tsx';
import { VideoPlayer } from '../../components/media/VideoPlayer.tsx';
import { analyticsApi } from '../../lib/analytics-api.ts';
import { learningApi } from '../../lib/learning-api.ts';
import { useLoad } from '../../lib/use-load.ts';
import '../../styles/media.css';

const isPdf = (a: MediaAsset) => a.contentType === 'application/pdf';

function Video({ d, asset, onCompleted }: { d: StudyLesson; asset: MediaAsset; onCompleted: () => void }) {
  const { state } = useLoad(
    () =>
      Promise.all([
        learningApi.watchState(d.courseId, d.lesson.id),
        learningApi.preferences().catch(() => null),
      ]),
    [d.courseId, d.lesson.id],
  );
  const [watch, setWatch] = useState<WatchState | null>(null);
  const completed = d.status.completed;
  const onReport = useCallback(
    async (body: WatchBody, exiting: boolean) => {
      // Leaving or hiding the page: a request that outlives it; the figure still follows if the page stays.
      const next = exiting
        ? await learningApi.watchOnExit(d.courseId, d.lesson.id, body)
        : await learningApi.watch(d.courseId, d.lesson.id, body);
      if (!next) return;
      setWatch(next);
      if (next.completed && !completed) onCompleted();
    },
    [d.courseId, d.lesson.id, completed, onCompleted],
  );
  if (state.status === 'loading') return <Spinner label="Loading the video…" />;
  if (state.status === 'error') return <Banner tone="error">{state.error.message}</Banner>;
  const [saved, prefs] = state.data;
  const current = watch ?? saved;
  return (
    <VideoPlayer
      src={asset.url}
      poster={asset.posterUrl}
      title={d.lesson.title}
      startAt={saved.positionSeconds}
      playbackRate={prefs?.playbackSpeed ?? 1}
      watched={current.watchedIntervals as WatchedInterval[]}
      onReport={onReport}
      onEvent={(e) => analyticsApi.videoEvent(d.courseId, d.lesson.id, e)}
    />
  );
}

/** The media of a video or slides lesson: the player, the slides, attachments; where they come from. */
export function LessonMedia({ d, onCompleted }: { d: StudyLesson; onCompleted: () => void }) {
  const { state, reload } = useLoad(
    () => learningApi.lessonMedia(d.courseId, d.lesson.id),
    [d.courseId, d.lesson.id],
  );
  if (state.status === 'loading') return <Spinner label="Looking for this lesson's media…" />;
  if (state.status === 'error')
    return (
      <Banner tone="error">
        {state.error.message} <Button onClick={reload}>Try again</Button>
      </Banner>
    );
  const { assets, source } = state.data;
  if (assets.length === 0)
    return (
      <EmptyState
        title={
          source === 'device'
            ? 'This lesson is not on this device'
            : `No ${d.lesson.kind === 'video' ? 'video' : 'slides'} in this lesson yet`
        }
      >
        <p>
          {source === 'device'
            ? 'Connect to the internet to open it, or make the course available offline while connected.'
            : 'The instructor has not added them yet, or they are still being prepared.'}
        </p>
      </EmptyState>
    );
  const videos = assets.filter((a) => a.kind === 'video' && a.contentType.includes('mpegurl'));
  const slides = assets.filter((a) => !videos.includes(a) && isPdf(a));
  const others = assets.filter((a) => !videos.includes(a) && !slides.includes(a));
  const stored = assets.every((a) => a.stored);
  return (
    <div className="lesson-media">
      <p className={`media-source ${stored ? 'media-source--device' : ''}`} data-testid="media-source">
        {stored
          ? 'On this device: works without a connection.'
          : source === 'server'
            ? 'Streaming from the server. Make the course available offline to keep it on this device.'
            : 'Part of this lesson is on this device; the rest needs a connection.'}
      </p>
      {videos.map((a) => (
        <Video key={a.assetId} d={d} asset={a} onCompleted={onCompleted} />
      ))}
      {slides.map((a) => (
        <SlidesViewer key={a.assetId} src={a.url} title={a.name} />
      ))}
      {others.length ? (
        <section aria-labelledby="attachments-h" className="attachments">
          <h2 id="attachments-h">Attachments</h2>
          <ul>
            {others.map((a) => (
              <li key={a.assetId}>
                <a href={a.url} download={a.name}>
                  {a.name}
                </a>{' '}
                {a.stored ? <span className="badge">On this device</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
