import { useCallback, useEffect, useState } from 'react';
import type { WatchedInterval } from '@lyceum/contracts';
import type {
  LessonMedia as Media,
  LessonOffline,
  MediaAsset,
  WatchBody,
  WatchState,
} from '../../../contracts/content.ts';
import type { StudyLesson } from '../../../contracts/learning.ts';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { Attachments } from '../../components/media/Attachments.tsx';
import { SlidesViewer } from '../../components/media/SlidesViewer.tsx';
import { VideoPlayer } from '../../components/media/VideoPlayer.tsx';
import { useT } from '../../i18n/use-t.ts';
import { analyticsApi } from '../../lib/analytics-api.ts';
import { learningApi } from '../../lib/learning-api.ts';
import { useLoad } from '../../lib/use-load.ts';
import '../../styles/media.css';

const isPdf = (a: MediaAsset) => a.contentType === 'application/pdf';

type T = ReturnType<typeof useT>;

/** Where the lesson's files come from and, for a course kept offline, where its copy of them stands. */
function sourceLine(t: T, m: Media): string {
  const { offline } = m;
  if (m.assets.every((a) => a.stored)) return t('lessonMedia.stored');
  if (m.source === 'device')
    return offline.state === 'waiting'
      ? `${t('lessonMedia.partial')} ${t('lessonMedia.waitingWifi')}`
      : t('lessonMedia.partial');
  if (!offline.kept) return t('lessonMedia.streaming');
  const percent = offline.bytesTotal ? Math.floor((100 * offline.bytesDone) / offline.bytesTotal) : 0;
  switch (offline.state) {
    case 'downloading':
      return t('lessonMedia.streamingWhileDownloading', { percent });
    case 'waiting':
      return t('lessonMedia.streamingWaiting');
    case 'paused':
      return t('lessonMedia.streamingPaused');
    case 'failed':
      return t('lessonMedia.streamingFailed');
    default:
      return t('lessonMedia.streamingNew');
  }
}

const LIVE_MS = 2000;
const moving = (o: LessonOffline) =>
  o.kept && (o.state === 'downloading' || o.state === 'missing' || o.state === 'waiting');

/**
 * While the lesson's files are on their way (or wait for Wi-Fi), follow where their copy stands (the player keeps playing: only the
 * line above it changes).
 */
function useLiveOffline(m: Media | null): Media | null {
  const [live, setLive] = useState<LessonOffline | null>(null);
  const start = m !== null && moving(m.offline);
  const courseId = m?.courseId;
  const lessonId = m?.lessonId;
  useEffect(() => {
    setLive(null);
    if (!start || !courseId || !lessonId) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let on = true;
    const tick = async () => {
      const o = await learningApi.lessonOffline(courseId, lessonId).catch(() => null);
      if (!on) return;
      // "stored" with nothing planned yet only means the check has not queued the files: keep what was said.
      if (o && !(o.state === 'stored' && o.bytesTotal === 0)) setLive(o);
      if (!o || moving(o) || o.bytesTotal === 0) timer = setTimeout(() => void tick(), LIVE_MS);
    };
    timer = setTimeout(() => void tick(), LIVE_MS);
    return () => {
      on = false;
      clearTimeout(timer);
    };
  }, [start, courseId, lessonId]);
  if (!m || !live) return m;
  const stored = live.state === 'stored';
  return { ...m, offline: live, assets: stored ? m.assets.map((a) => ({ ...a, stored: true })) : m.assets };
}

/** Offline, with none of the lesson's files here: why, for a course kept offline. */
function missingBody(t: T, m: Media): string {
  if (!m.offline.kept) return t('lessonMedia.notHere.body');
  if (m.offline.state === 'waiting') return t('lessonMedia.notHere.waiting');
  if (m.offline.state === 'downloading') return t('lessonMedia.notHere.downloading');
  return t('lessonMedia.notHere.notYet');
}

function Video({ d, asset, onCompleted }: { d: StudyLesson; asset: MediaAsset; onCompleted: () => void }) {
  const t = useT();
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
  if (state.status === 'loading') return <Spinner label={t('lessonMedia.loadingVideo')} />;
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
  const t = useT();
  const { state, reload } = useLoad(
    () => learningApi.lessonMedia(d.courseId, d.lesson.id),
    [d.courseId, d.lesson.id],
  );
  const live = useLiveOffline(state.status === 'ready' ? state.data : null);
  if (state.status === 'loading') return <Spinner label={t('lessonMedia.loading')} />;
  if (state.status === 'error')
    return (
      <Banner tone="error">
        {state.error.message} <Button onClick={reload}>{t('common.tryAgain')}</Button>
      </Banner>
    );
  const { assets, source } = state.data;
  if (assets.length === 0)
    return (
      <EmptyState
        title={
          source === 'device'
            ? t('lessonMedia.notHere.title')
            : state.data.preparing > 0
              ? t('preview.media.preparing')
              : t(d.lesson.kind === 'video' ? 'lessonMedia.none.video' : 'lessonMedia.none.slides')
        }
      >
        <p data-testid="media-missing">
          {source === 'device'
            ? missingBody(t, state.data)
            : state.data.preparing > 0
              ? t('preview.media.preparingHint')
              : t('lessonMedia.none.body')}
        </p>
      </EmptyState>
    );
  const videos = assets.filter((a) => a.kind === 'video' && a.contentType.includes('mpegurl'));
  const slides = assets.filter((a) => !videos.includes(a) && isPdf(a));
  const others = assets.filter((a) => !videos.includes(a) && !slides.includes(a));
  const shown = live ?? state.data;
  const stored = shown.assets.every((a) => a.stored);
  return (
    <div className="lesson-media">
      <p className={`media-source ${stored ? 'media-source--device' : ''}`} data-testid="media-source">
        {sourceLine(t, shown)}
      </p>
      {videos.map((a) => (
        <Video key={a.assetId} d={d} asset={a} onCompleted={onCompleted} />
      ))}
      {slides.map((a) => (
        <SlidesViewer key={a.assetId} src={a.url} title={a.name} />
      ))}
      <Attachments
        title={t('lessonMedia.attachments')}
        assets={others}
        after={(a) => (a.stored ? <span className="badge">{t('lessonMedia.onDevice')}</span> : null)}
      />
    </div>
  );
}
