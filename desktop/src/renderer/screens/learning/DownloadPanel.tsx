import { useEffect, useRef, useState } from 'react';
import type { CourseDownload, VerifyResult } from '../../../contracts/content.ts';
import type { StudyCourse as StudyCourseData } from '../../../contracts/learning.ts';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useT } from '../../i18n/use-t.ts';
import { failureMessage } from '../../lib/api.ts';
import { learningApi } from '../../lib/learning-api.ts';
import { useFormat } from '../../lib/format.ts';
import { NoticeList, UpdateSummary, useLessonList } from './OfflineUpdates.tsx';
import { ProgressBar } from './ProgressBar.tsx';
import '../../styles/media.css';

const POLL_MS = 700;
/** Between downloads: new content can start downloading in the background at any time. */
const IDLE_POLL_MS = 3000;

type T = ReturnType<typeof useT>;

/** What the copy holds, in one line: never "Ready" while a lesson is missing or has new content waiting. */
function stateLine(
  t: T,
  offline: NonNullable<NonNullable<StudyCourseData['enrollment']>['offline']>,
  dl: CourseDownload | null,
) {
  const waiting = dl?.updates.some((u) => u.state === 'waiting') ?? false;
  const missing = offline.totalItems - offline.storedItems;
  if (dl?.state === 'paused') return t('download.state.paused');
  if (offline.state === 'failed')
    return t('download.state.failed', { error: offline.error ?? t('download.state.failedDefault') });
  if (offline.state === 'downloading' || dl?.state === 'downloading')
    return dl?.updates.some((u) => u.state === 'downloading')
      ? t('download.state.downloadingNew')
      : t('download.state.downloading');
  if (missing > 0 || waiting) return t('download.state.incomplete', { count: Math.max(missing, 1) });
  return t('download.state.ready');
}

/** "Check stored files": the stored files' check, then the comparison with the server's current content. */
function verifyMessage(t: T, r: VerifyResult, lessons: string, held: boolean): string {
  const files = r.requeued.length
    ? t('download.verify.requeued', { count: r.requeued.length })
    : t('download.verify.intact');
  if (!r.serverChecked) return `${files} ${t('download.verify.noServer')}`;
  if (!r.updates.length) return `${files} ${t('download.verify.current')}`;
  const what = t('download.verify.newContent', { count: r.updates.length, lessons });
  const next =
    r.updates.some((u) => u.state === 'waiting') && held
      ? t('download.updates.heldForWifi')
      : r.updates.every((u) => u.state === 'done')
        ? t('download.verify.downloaded')
        : t('download.verify.downloadingNow');
  return `${files} ${what} ${next}`;
}

/**
 * "Available offline" for a course: the switch, overall and per-lesson progress of its files, pause/resume, a
 * check of the stored files, removal, the space it takes and why a file failed.
 */
export function DownloadPanel({
  data,
  onChange,
}: {
  data: StudyCourseData;
  onChange: (d: StudyCourseData) => void;
}) {
  const t = useT();
  const f = useFormat();
  const lessonList = useLessonList();
  const courseId = data.course.id;
  const offline = data.enrollment?.offline ?? null;
  const enabled = offline !== null;
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dl, setDl] = useState<CourseDownload | null>(null);
  const [confirming, setConfirming] = useState(false);
  /** Focus goes back to "Remove offline copy" after a cancel, to the switch after a removal. */
  const [refocus, setRefocus] = useState(false);
  const switchRef = useRef<HTMLInputElement>(null);
  const cancel = () => {
    setConfirming(false);
    setRefocus(true);
  };
  const changeRef = useRef(onChange);
  changeRef.current = onChange;

  // While files are on their way, follow the progress; when it settles, refresh the course (its offline state).
  const [kick, setKick] = useState(0);
  useEffect(() => {
    if (!enabled) {
      setDl(null);
      return;
    }
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const again = (ms = POLL_MS) => {
      timer = setTimeout(() => void tick(), ms);
    };
    let seen = '';
    const tick = async () => {
      try {
        const next = await learningApi.download(courseId);
        if (!live) return;
        setDl(next);
        if (next.state === 'downloading') return again();
        // Settled, or something changed in the background (new content found, stored): the course's figures follow.
        const key = `${next.state}|${next.filesDone}/${next.files}|${next.updates.map((u) => u.lessonId + u.state).join()}`;
        if (key !== seen) {
          const course = await learningApi.course(courseId);
          if (!live) return;
          changeRef.current(course);
          seen = course.enrollment?.offline?.state === 'downloading' ? '' : key;
        }
        again(seen === '' ? POLL_MS : IDLE_POLL_MS);
      } catch {
        if (live) again(POLL_MS * 4);
      }
    };
    void tick();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [courseId, enabled, kick]);

  const titles = new Map(data.course.modules.flatMap((m) => m.lessons.map((l) => [l.id, l.title] as const)));
  const run = async (what: string, action: () => Promise<void>) => {
    if (busy) return;
    setBusy(what);
    setError(null);
    setNotice(null);
    try {
      await action();
    } catch (err) {
      setError(failureMessage(err, t('download.error')));
    } finally {
      setBusy(null);
    }
  };
  const toggle = () =>
    run('toggle', async () => {
      setConfirming(false);
      onChange(await learningApi.setOffline(courseId, !enabled));
    });
  const pause = () => run('pause', async () => setDl(await learningApi.pauseDownload(courseId)));
  const resume = () =>
    run('resume', async () => {
      setDl(await learningApi.resumeDownload(courseId));
      onChange(await learningApi.course(courseId));
      setKick((n) => n + 1);
    });
  const verify = () =>
    run('verify', async () => {
      const r = await learningApi.verifyDownload(courseId);
      setDl(r.download);
      const lessons = lessonList(
        r.updates.map((u) => ({ title: titles.get(u.lessonId) ?? t('download.aLesson'), ...u })),
      );
      setNotice(verifyMessage(t, r, lessons, r.download.updatesHeld));
      if (r.requeued.length || r.updates.length) setKick((n) => n + 1);
    });
  const downloadNow = () =>
    run('update', async () => {
      setDl(await learningApi.updateDownload(courseId));
      onChange(await learningApi.course(courseId));
      setKick((n) => n + 1);
    });
  const dismiss = () =>
    run('dismiss', async () => {
      await learningApi.dismissOfflineNotices(courseId);
      setDl(await learningApi.download(courseId));
    });
  const remove = () =>
    run('remove', async () => {
      await learningApi.removeDownload(courseId);
      setConfirming(false);
      onChange(await learningApi.course(courseId));
      switchRef.current?.focus();
    });

  const shown = busy === 'toggle' ? !enabled : enabled;
  const lessons = (dl?.lessons ?? []).filter((l) => l.files > 0);
  const notices = (dl?.updates ?? [])
    .filter((u) => u.state === 'done')
    .map((u) => ({
      ...u,
      courseId,
      courseTitle: data.course.title,
      lessonTitle: titles.get(u.lessonId) ?? t('download.aLesson'),
    }));
  return (
    <section className="offline-toggle download-panel" aria-labelledby="offline-h">
      <h2 id="offline-h">{t('download.title')}</h2>
      <label className="switch">
        <input
          ref={switchRef}
          type="checkbox"
          role="switch"
          checked={shown}
          onChange={() => void toggle()}
          aria-busy={busy === 'toggle' || undefined}
          data-testid="offline-toggle"
        />
        <span>{t('download.keep')}</span>
      </label>
      {busy === 'toggle' ? (
        <Spinner inline label={enabled ? t('download.removing') : t('download.preparing')} />
      ) : null}
      {offline ? (
        <>
          <NoticeList notices={notices} onDismiss={() => void dismiss()} />
          <div data-testid="lessons-stored">
            <ProgressBar
              value={offline.storedItems}
              max={Math.max(1, offline.totalItems)}
              label={t('download.lessonsStored', { stored: offline.storedItems, total: offline.totalItems })}
            />
          </div>
          {dl && dl.bytesTotal > 0 ? (
            <div data-testid="download-overall">
              <ProgressBar
                value={dl.bytesDone}
                max={dl.bytesTotal}
                label={t('download.bytes', {
                  done: f.bytes(dl.bytesDone),
                  total: f.bytes(dl.bytesTotal),
                })}
              />
            </div>
          ) : null}
          <p className="muted" data-testid="offline-state" aria-live="polite">
            {stateLine(t, offline, dl)}
          </p>
          {dl ? (
            <UpdateSummary
              updates={dl.updates}
              held={dl.updatesHeld}
              titles={titles}
              busy={busy === 'update'}
              onDownloadNow={() => void downloadNow()}
            />
          ) : null}
          {dl ? (
            <p className="muted download-panel__disk" data-testid="download-disk">
              {t('download.disk', { size: f.bytes(dl.diskBytes) })}
            </p>
          ) : null}
          {lessons.length ? (
            <details className="download-panel__lessons" open={dl?.state !== 'done'}>
              <summary>{t('download.lessons')}</summary>
              <ul>
                {lessons.map((l) => (
                  <li key={l.lessonId} data-testid="download-lesson">
                    <span className="download-panel__lesson-title">
                      {titles.get(l.lessonId) ?? t('download.aLesson')}
                    </span>
                    <ProgressBar
                      value={l.bytesDone}
                      max={Math.max(1, l.bytesTotal)}
                      label={t('download.files', {
                        done: l.filesDone,
                        count: l.files,
                        size: f.bytes(l.bytesTotal),
                      })}
                    />
                    {l.errors.length ? (
                      <ul className="download-panel__errors" aria-label={t('download.whyFailed')}>
                        {l.errors.map((e) => (
                          <li key={e}>{e}</li>
                        ))}
                      </ul>
                    ) : null}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
          <div className="download-panel__actions">
            {dl?.state === 'downloading' ? (
              <Button onClick={() => void pause()} busy={busy === 'pause'} busyLabel={t('download.pausing')}>
                {t('download.pause')}
              </Button>
            ) : null}
            {dl?.state === 'paused' || offline.state === 'failed' ? (
              <Button
                variant="primary"
                onClick={() => void resume()}
                busy={busy === 'resume'}
                busyLabel={t('download.resuming')}
              >
                {dl?.state === 'paused' ? t('download.resume') : t('download.tryAgain')}
              </Button>
            ) : null}
            {dl && (dl.filesDone > 0 || offline.state === 'ready') ? (
              <Button
                onClick={() => void verify()}
                busy={busy === 'verify'}
                busyLabel={t('download.checking')}
              >
                {t('download.check')}
              </Button>
            ) : null}
            {confirming ? (
              <span
                className="download-panel__confirm"
                role="group"
                aria-label={t('download.confirmRemoval')}
                onKeyDown={(e) => {
                  if (e.key === 'Escape') cancel();
                }}
              >
                <span>{t('download.removeQuestion', { size: f.bytes(dl?.diskBytes ?? 0) })}</span>
                <Button
                  variant="primary"
                  onClick={() => void remove()}
                  busy={busy === 'remove'}
                  busyLabel={t('download.removingShort')}
                  autoFocus
                >
                  {t('download.remove')}
                </Button>
                <Button variant="ghost" onClick={cancel}>
                  {t('download.cancel')}
                </Button>
              </span>
            ) : (
              <Button
                variant="ghost"
                onClick={() => {
                  setRefocus(false);
                  setConfirming(true);
                }}
                autoFocus={refocus}
              >
                {t('download.removeCopy')}
              </Button>
            )}
          </div>
        </>
      ) : (
        <p className="muted">{t('download.explain')}</p>
      )}
      {notice ? (
        <Banner tone="success">
          <span data-testid="verify-result">{notice}</span>
        </Banner>
      ) : null}
      {error ? <Banner tone="error">{error}</Banner> : null}
    </section>
  );
}
