import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { unionIntervals, watchedSeconds, type WatchedInterval } from '@lyceum/contracts';
import type { VideoEventBody } from '../../../contracts/analytics.ts';
import type { WatchBody } from '../../../contracts/content.ts';
import { formatClock } from '../../lib/media-format.ts';
import { watchTracker } from '../../lib/watch-tracker.ts';
import { Button } from '../Button.tsx';
import { Spinner } from '../Spinner.tsx';
import type { MessageKey } from '../../i18n/catalogues.ts';
import { useT } from '../../i18n/use-t.ts';
import { useFormat } from '../../lib/format.ts';

/** How often watching is reported while the video plays. */
const REPORT_EVERY_MS = 10_000;
const HLS_TYPE = 'application/vnd.apple.mpegurl';

type Engine = 'loading' | 'hls.js' | 'native';

interface Props {
  /** The master playlist, a local API URL (`/api/media/…`): stored files from the device, the rest streamed. */
  src: string;
  poster: string | null;
  title: string;
  /** Where the student stopped last time (null: from the start). */
  startAt: number | null;
  playbackRate: number;
  /** What was watched so far (merged, as recorded), for the "watched" line. */
  watched: WatchedInterval[];
  /** Report watching; `exiting` when the page is going away (the request must outlive it). */
  onReport: (body: WatchBody, exiting: boolean) => Promise<unknown> | void;
  /** Player events for learning analytics (played, paused, seeked, reached the end), one session per viewing. */
  onEvent?: (event: VideoEventBody) => void;
  /** Said under the video instead of how the lesson completes (a preview, where nothing is recorded). */
  caption?: string;
}

/**
 * An HLS video player: hls.js on Media Source Extensions (native HLS where MSE is missing), resuming where the
 * student stopped, reporting watched stretches every 10 s and on pause, end and leaving the page.
 */
export function VideoPlayer({
  src,
  poster,
  title,
  startAt,
  playbackRate,
  watched,
  onReport,
  onEvent,
  caption,
}: Props) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const report = useRef(onReport);
  report.current = onReport;
  const events = useRef(onEvent);
  events.current = onEvent;
  const [engine, setEngine] = useState<Engine>('loading');
  const t = useT();
  const f = useFormat();
  const [error, setError] = useState<MessageKey | null>(null);
  const [duration, setDuration] = useState(0);
  const [live, setLive] = useState<WatchedInterval[]>([]);
  const [attempt, setAttempt] = useState(0);
  const resumeAt = useRef(startAt);

  useEffect(() => {
    const video = videoRef.current;
    if (video) video.playbackRate = playbackRate;
  }, [playbackRate, engine]);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    let cancelled = false;
    let destroy = () => {};
    const tracker = watchTracker();
    const start = resumeAt.current ?? 0;
    tracker.seed(start);
    // Analytics: this viewing (a session), what it played, and whether it is playing now.
    const sessionId = crypto.randomUUID();
    const viewing = watchTracker();
    viewing.seed(start);
    let playing = false;
    let started = false;
    let seekFrom: number | null = null;
    const emit = (verb: VideoEventBody['verb'], more: Partial<VideoEventBody> = {}) => {
      const length = video.duration;
      if (!events.current || !(length > 0) || !Number.isFinite(length)) return;
      const time = Math.min(Math.max(0, video.currentTime), length);
      events.current({ verb, sessionId, time, segments: viewing.snapshot(), length, ...more });
    };
    setError(null);
    setEngine('loading');

    const send = (exiting: boolean) => {
      const body = tracker.take(video.duration);
      if (!body) return;
      Promise.resolve(report.current(body, exiting)).catch(() => tracker.putBack(body));
    };
    const on: Record<string, () => void> = {
      playing: () => {
        tracker.play(video.currentTime);
        viewing.play(video.currentTime);
        // Resuming after buffering is not a new "played".
        if (!playing) emit('played');
        playing = started = true;
      },
      timeupdate: () => {
        tracker.time(video.currentTime);
        viewing.time(video.currentTime);
        setLive(tracker.snapshot());
      },
      seeking: () => {
        seekFrom ??= viewing.position;
        tracker.stop();
        viewing.stop();
      },
      seeked: () => {
        tracker.time(video.currentTime);
        viewing.time(video.currentTime);
        if (!video.paused) {
          tracker.play(video.currentTime);
          viewing.play(video.currentTime);
        }
        // Seeks before the first play (resuming where the student stopped) are the player's, not the student's.
        if (started && seekFrom !== null) emit('seeked', { from: seekFrom, to: video.currentTime });
        seekFrom = null;
      },
      pause: () => {
        tracker.time(video.currentTime);
        tracker.stop();
        viewing.time(video.currentTime);
        viewing.stop();
        send(false);
        // The end of the video also pauses: that one is reported as "completed" by `ended`.
        if (playing && !video.ended) emit('paused');
        playing = false;
      },
      ended: () => {
        tracker.time(video.currentTime);
        tracker.stop();
        viewing.time(video.currentTime);
        viewing.stop();
        send(false);
        emit('completed');
        playing = false;
      },
      loadedmetadata: () => {
        setDuration(video.duration);
        // A video watched to the end starts over; otherwise it continues where the student left it.
        if (start > 1 && start < video.duration - 3) {
          if (Math.abs(video.currentTime - start) > 0.5) video.currentTime = start;
        } else if (video.currentTime > 0) video.currentTime = 0;
        video.playbackRate = playbackRate;
      },
    };
    for (const [name, fn] of Object.entries(on)) video.addEventListener(name, fn);
    const timer = setInterval(() => {
      if (!video.paused) send(false);
    }, REPORT_EVERY_MS);
    const hidden = () => {
      if (document.visibilityState === 'hidden') send(true);
    };
    /** The page goes away while playing: the viewing ends where it is. */
    const stopViewing = () => {
      if (!playing) return;
      viewing.time(video.currentTime);
      viewing.stop();
      emit('paused');
      playing = false;
    };
    const leaving = () => {
      send(true);
      stopViewing();
    };
    document.addEventListener('visibilitychange', hidden);
    addEventListener('pagehide', leaving);

    void (async () => {
      try {
        const { default: Hls } = await import('hls.js');
        if (cancelled) return;
        if (Hls.isSupported()) {
          // No blob: worker (the page's CSP allows scripts from this origin only); fMP4 needs no transmuxing.
          const hls = new Hls({ enableWorker: false, startPosition: start > 1 ? start : -1 });
          let recovered = false;
          hls.on(Hls.Events.ERROR, (_event, data) => {
            if (!data.fatal) return;
            if (data.type === Hls.ErrorTypes.MEDIA_ERROR && !recovered) {
              recovered = true;
              hls.recoverMediaError();
              return;
            }
            setError(data.type === Hls.ErrorTypes.NETWORK_ERROR ? 'video.offline' : 'video.failed');
            hls.stopLoad();
          });
          hls.loadSource(src);
          hls.attachMedia(video);
          destroy = () => hls.destroy();
          setEngine('hls.js');
        } else if (video.canPlayType(HLS_TYPE)) {
          video.src = src;
          destroy = () => {
            video.removeAttribute('src');
            video.load();
          };
          setEngine('native');
        } else setError('video.unsupported');
      } catch {
        if (!cancelled) setError('video.playerFailed');
      }
    })();

    return () => {
      cancelled = true;
      tracker.time(video.currentTime);
      tracker.stop();
      send(true);
      stopViewing();
      resumeAt.current = tracker.position;
      clearInterval(timer);
      for (const [name, fn] of Object.entries(on)) video.removeEventListener(name, fn);
      document.removeEventListener('visibilitychange', hidden);
      removeEventListener('pagehide', leaving);
      destroy();
    };
    // playbackRate is applied by its own effect; a new source (or "try again") starts a new player.
  }, [src, attempt]);

  const onKey = (e: KeyboardEvent<HTMLVideoElement>) => {
    const video = e.currentTarget;
    const step =
      e.key === 'ArrowLeft' ? -5 : e.key === 'ArrowRight' ? 5 : e.key === 'j' ? -10 : e.key === 'l' ? 10 : 0;
    if (step) {
      video.currentTime = Math.min(Math.max(0, video.currentTime + step), video.duration || 0);
      e.preventDefault();
    } else if (e.key === ' ' || e.key === 'k') {
      if (video.paused) void video.play();
      else video.pause();
      e.preventDefault();
    }
  };

  const seen = watchedSeconds(unionIntervals(watched as WatchedInterval[], live));
  const percent = duration > 0 ? Math.min(100, Math.floor((100 * seen) / duration)) : null;
  return (
    <figure className="video-player" data-engine={engine}>
      <div className="video-player__frame">
        <video
          ref={videoRef}
          className="video-player__video"
          controls
          playsInline
          preload="metadata"
          poster={poster ?? undefined}
          aria-label={t('video.label', { title })}
          data-testid="lesson-video"
          onKeyDown={onKey}
        />
        {engine === 'loading' && !error ? (
          <div className="video-player__overlay">
            <Spinner label={t('video.loading')} />
          </div>
        ) : null}
      </div>
      {error ? (
        <div className="video-player__error" role="alert">
          <p>{t(error)}</p>
          <Button onClick={() => setAttempt((n) => n + 1)}>{t('common.tryAgain')}</Button>
        </div>
      ) : null}
      <figcaption className="video-player__caption muted">
        {caption ? (
          <span>{caption}</span>
        ) : percent !== null ? (
          <span data-testid="watched-percent">
            {t('video.watched', { percent: f.percent(percent / 100) })}
          </span>
        ) : (
          <span>{t('video.completesAt')}</span>
        )}
        {startAt && startAt > 1 && duration > 0 ? (
          <span>
            {' '}
            {startAt < duration - 3
              ? t('video.resumed', { time: formatClock(startAt) })
              : t('video.startsOver')}
          </span>
        ) : null}
        <span className="visually-hidden">{t('video.keys')}</span>
      </figcaption>
    </figure>
  );
}
