import { useEffect, useRef, useState } from 'react';
import type { CourseDownload } from '../../../core/content-schemas.ts';
import type { StudyCourse as StudyCourseData } from '../../../core/learning-schemas.ts';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { failureMessage } from '../../lib/api.ts';
import { learningApi } from '../../lib/learning-api.ts';
import { formatBytes } from '../../lib/media-format.ts';
import { ProgressBar } from './ProgressBar.tsx';
import '../../styles/media.css';

const POLL_MS = 700;

function stateLine(
  offline: NonNullable<NonNullable<StudyCourseData['enrollment']>['offline']>,
  dl: CourseDownload | null,
) {
  if (dl?.state === 'paused') return 'Paused. Resume to finish the download.';
  if (offline.state === 'ready') return 'Ready: every lesson works without a connection.';
  if (offline.state === 'downloading') return 'Downloading…';
  return `Not finished: ${offline.error ?? 'the download failed'}`;
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
    const tick = async () => {
      try {
        const next = await learningApi.download(courseId);
        if (!live) return;
        setDl(next);
        if (next.state === 'downloading') return again();
        const course = await learningApi.course(courseId);
        if (!live) return;
        changeRef.current(course);
        if (course.enrollment?.offline?.state === 'downloading' && next.state !== 'paused') again();
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

  const run = async (what: string, action: () => Promise<void>) => {
    if (busy) return;
    setBusy(what);
    setError(null);
    setNotice(null);
    try {
      await action();
    } catch (err) {
      setError(failureMessage(err, 'That did not work. Try again.'));
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
      setNotice(
        r.requeued.length
          ? `${r.requeued.length} damaged or missing ${r.requeued.length === 1 ? 'file is' : 'files are'} downloaded again.`
          : 'Every stored file is intact.',
      );
      if (r.requeued.length) setKick((n) => n + 1);
    });
  const remove = () =>
    run('remove', async () => {
      await learningApi.removeDownload(courseId);
      setConfirming(false);
      onChange(await learningApi.course(courseId));
      switchRef.current?.focus();
    });

  const shown = busy === 'toggle' ? !enabled : enabled;
  const titles = new Map(data.course.modules.flatMap((m) => m.lessons.map((l) => [l.id, l.title] as const)));
  const lessons = (dl?.lessons ?? []).filter((l) => l.files > 0);
  return (
    <section className="offline-toggle download-panel" aria-labelledby="offline-h">
      <h2 id="offline-h">Available offline</h2>
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
        <span>Keep this course on this device</span>
      </label>
      {busy === 'toggle' ? (
        <Spinner inline label={enabled ? 'Removing the offline copy…' : 'Preparing the download…'} />
      ) : null}
      {offline ? (
        <>
          <ProgressBar
            value={offline.storedItems}
            max={Math.max(1, offline.totalItems)}
            label={`${offline.storedItems} of ${offline.totalItems} lessons stored`}
          />
          {dl && dl.bytesTotal > 0 ? (
            <div data-testid="download-overall">
              <ProgressBar
                value={dl.bytesDone}
                max={dl.bytesTotal}
                label={`${formatBytes(dl.bytesDone)} of ${formatBytes(dl.bytesTotal)} of videos and files`}
              />
            </div>
          ) : null}
          <p className="muted" data-testid="offline-state" aria-live="polite">
            {stateLine(offline, dl)}
          </p>
          {dl ? (
            <p className="muted download-panel__disk" data-testid="download-disk">
              Uses {formatBytes(dl.diskBytes)} on this device.
            </p>
          ) : null}
          {lessons.length ? (
            <details className="download-panel__lessons" open={dl?.state !== 'done'}>
              <summary>Lessons with videos and files</summary>
              <ul>
                {lessons.map((l) => (
                  <li key={l.lessonId} data-testid="download-lesson">
                    <span className="download-panel__lesson-title">{titles.get(l.lessonId) ?? 'Lesson'}</span>
                    <ProgressBar
                      value={l.bytesDone}
                      max={Math.max(1, l.bytesTotal)}
                      label={`${l.filesDone} of ${l.files} files · ${formatBytes(l.bytesTotal)}`}
                    />
                    {l.errors.length ? (
                      <ul className="download-panel__errors" aria-label="Why files failed">
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
              <Button onClick={() => void pause()} busy={busy === 'pause'} busyLabel="Pausing…">
                Pause download
              </Button>
            ) : null}
            {dl?.state === 'paused' || offline.state === 'failed' ? (
              <Button
                variant="primary"
                onClick={() => void resume()}
                busy={busy === 'resume'}
                busyLabel="Resuming…"
              >
                {dl?.state === 'paused' ? 'Resume download' : 'Try again'}
              </Button>
            ) : null}
            {dl && dl.filesDone > 0 ? (
              <Button onClick={() => void verify()} busy={busy === 'verify'} busyLabel="Checking…">
                Check stored files
              </Button>
            ) : null}
            {confirming ? (
              <span
                className="download-panel__confirm"
                role="group"
                aria-label="Confirm removal"
                onKeyDown={(e) => {
                  if (e.key === 'Escape') cancel();
                }}
              >
                <span>Remove {formatBytes(dl?.diskBytes ?? 0)} from this device?</span>
                <Button
                  variant="primary"
                  onClick={() => void remove()}
                  busy={busy === 'remove'}
                  busyLabel="Removing…"
                  autoFocus
                >
                  Remove
                </Button>
                <Button variant="ghost" onClick={cancel}>
                  Cancel
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
                Remove offline copy
              </Button>
            )}
          </div>
        </>
      ) : (
        <p className="muted">
          Videos, slides and files are downloaded too, so you can study without a connection.
        </p>
      )}
      {notice ? <Banner tone="success">{notice}</Banner> : null}
      {error ? <Banner tone="error">{error}</Banner> : null}
    </section>
  );
}
