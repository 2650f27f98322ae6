import { useState, type DragEvent } from 'react';
import type {
  TeachAsset,
  TeachLesson,
  TeachLimits,
  TeachUpload,
  TeachUploadKind,
} from '../../../contracts/teaching.ts';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useT } from '../../i18n/use-t.ts';
import { useFormat } from '../../lib/format.ts';
import { formatClock } from '../../lib/media-format.ts';
import { kindText } from './format.ts';
import { Meter } from './Meter.tsx';
import { useLessonUpload, type LocalStep } from './use-lesson-upload.ts';

interface Shown {
  name: string;
  status: TeachAsset['status'];
  failureReason: string | null;
  durationSeconds: number | null;
  posterUrl: string | null;
}

/** The file a lesson has on the server (or the one just made ready here): poster, length, status. */
function MediaCard({ media, kind }: { media: Shown; kind: TeachUploadKind }) {
  const t = useT();
  return (
    <div className="teach-media" data-testid="teach-media">
      {media.posterUrl ? (
        <img
          className="teach-media__poster"
          src={media.posterUrl}
          alt={t('teach.media.posterAlt', { name: media.name })}
        />
      ) : null}
      <div className="teach-media__text">
        <p className="teach-media__name">{media.name}</p>
        {media.status === 'ready' ? (
          <p>
            <span className="badge badge--success">{t('teach.media.ready')}</span>
            {kind === 'video' && media.durationSeconds !== null ? (
              <span className="teach-media__duration" data-testid="teach-duration">
                {' '}
                {t('teach.media.length', { time: formatClock(media.durationSeconds) })}
              </span>
            ) : null}
          </p>
        ) : media.status === 'failed' ? (
          <p className="teach-error">
            {t('teach.media.failed', { reason: media.failureReason ?? t('teach.unknownReason') })}
          </p>
        ) : media.status === 'processing' ? (
          <p className="muted">{t('teach.media.processing')}</p>
        ) : (
          <p className="muted">{t('teach.media.unfinished')}</p>
        )}
      </div>
    </div>
  );
}

/** Where the chosen file stands: checks, sending it to the app, uploading, processing, failure. */
function Progress({
  step,
  upload,
  pollError,
  onRetry,
  onCancel,
}: {
  step: LocalStep;
  upload: TeachUpload | null;
  pollError: string | null;
  onRetry: () => void;
  onCancel: () => void;
}) {
  const t = useT();
  if (step.status === 'checking')
    return <Spinner inline label={t('teach.upload.checking', { name: step.name })} />;
  if (step.status === 'sending')
    return (
      <Meter
        label={t('teach.upload.preparing', { name: step.name })}
        value={(100 * step.sent) / Math.max(1, step.total)}
      />
    );
  if (step.status === 'error') return <Banner tone="error">{step.message}</Banner>;
  if (!upload) return null;
  return (
    <div className="teach-progress">
      {upload.phase === 'uploading' || upload.phase === 'processing' ? (
        <>
          <p className="teach-progress__name">{upload.name}</p>
          <Meter label={t('teach.upload.upload')} value={upload.uploadPercent} testId="upload-progress" />
          {upload.phase === 'processing' && upload.packagingPercent !== null ? (
            <Meter
              label={t('teach.upload.processing')}
              value={upload.packagingPercent}
              testId="packaging-progress"
            />
          ) : null}
          {upload.waiting ? <Banner tone="warning">{upload.waiting}</Banner> : null}
          {pollError ? <Banner tone="warning">{pollError}</Banner> : null}
          {upload.phase === 'uploading' ? (
            <p>
              <Button variant="ghost" onClick={onCancel}>
                {t('teach.upload.cancel')}
              </Button>
            </p>
          ) : null}
        </>
      ) : null}
      {upload.phase === 'failed' ? (
        <div className="teach-failed" data-testid="upload-failed">
          <Banner tone="error">
            {t('teach.upload.failed', {
              name: upload.name,
              reason: upload.error?.message ?? t('teach.unknownReason'),
            })}
          </Banner>
          {upload.canRetry ? (
            <Button variant="primary" onClick={onRetry}>
              {t('common.tryAgain')}
            </Button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

/** A lesson on the Teach screen: its current file and, for video and slides lessons, a way to upload a new one. */
export function LessonMedia({
  courseId,
  lesson,
  limits,
  onSettled,
}: {
  courseId: string;
  lesson: TeachLesson;
  limits: TeachLimits;
  onSettled: () => void;
}) {
  const t = useT();
  const f = useFormat();
  const kind = lesson.accepts ?? 'document';
  const text = kindText[kind];
  const { upload, step, pollError, busy, start, retry, cancel } = useLessonUpload(
    { courseId, lessonId: lesson.id, kind },
    lesson.upload,
    onSettled,
  );
  const [dragging, setDragging] = useState(false);
  const inputId = `teach-file-${lesson.id}`;
  const current = lesson.assets[0] ?? null;
  // Just made ready here and not yet in the reloaded course: show it from the upload.
  const shown: Shown | null =
    upload?.phase === 'ready' && upload.assetId !== current?.id
      ? { ...upload, status: 'ready', failureReason: null }
      : current
        ? { ...current, name: current.originalName }
        : null;
  const announce =
    upload?.phase === 'ready'
      ? t('teach.announce.ready', { name: upload.name })
      : upload?.phase === 'failed'
        ? t('teach.announce.failed', { name: upload.name })
        : upload?.phase === 'processing'
          ? t('teach.announce.processing', { name: upload.name })
          : '';

  const drop = (e: DragEvent<HTMLLIElement>) => {
    setDragging(false);
    if (!lesson.accepts || busy || !e.dataTransfer.files.length) return;
    e.preventDefault();
    void start(e.dataTransfer.files[0]!);
  };

  return (
    <li
      className={dragging ? 'teach-lesson teach-lesson--drop' : 'teach-lesson'}
      data-testid="teach-lesson"
      onDragOver={(e) => {
        if (!lesson.accepts || busy || !e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={drop}
    >
      <div className="teach-lesson__head">
        <h3 className="teach-lesson__title">{lesson.title}</h3>
        <span className="badge">{f.label('kind', lesson.kind)}</span>
      </div>
      {!lesson.accepts ? (
        <p className="muted">{t('teach.nothingToUpload')}</p>
      ) : (
        <>
          {shown ? (
            <MediaCard media={shown} kind={kind} />
          ) : busy ? null : (
            <p className="muted">{t('teach.noFile', { kind })}</p>
          )}
          <p className="visually-hidden" aria-live="polite">
            {announce}
          </p>
          <Progress
            step={step}
            upload={upload}
            pollError={pollError}
            onRetry={() => void retry()}
            onCancel={() => void cancel()}
          />
          {!busy ? (
            <div className="teach-pick">
              <label htmlFor={inputId} className="teach-pick__label">
                {t(shown ? 'teach.replace' : 'teach.choose', { kind })}
                <span className="visually-hidden">{t('teach.forLesson', { title: lesson.title })}</span>
              </label>
              <input
                id={inputId}
                className="teach-pick__input"
                type="file"
                accept={text.accept}
                aria-describedby={`${inputId}-hint`}
                onChange={(e) => {
                  const file = e.currentTarget.files?.[0];
                  e.currentTarget.value = '';
                  if (file) void start(file);
                }}
              />
              <p id={`${inputId}-hint`} className="muted teach-pick__hint">
                {t('teach.hint', { formats: t(text.formats), size: f.bytes(limits[kind]) })}
              </p>
            </div>
          ) : null}
        </>
      )}
    </li>
  );
}
