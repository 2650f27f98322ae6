import { useCallback, useEffect, useRef, useState } from 'react';
import type { TeachUpload } from '../../../contracts/teaching.ts';
import { useT } from '../../i18n/use-t.ts';
import { ApiFailure, failureMessage } from '../../lib/api.ts';
import { teachApi, type SendTarget } from '../../lib/teach-api.ts';

/** What happens in the window before the core has the file: checks, then the bytes going to the core. */
export type LocalStep =
  | { status: 'idle' }
  | { status: 'checking'; name: string }
  | { status: 'sending'; name: string; sent: number; total: number }
  | { status: 'error'; message: string };

const POLL_MS = 500;
const inFlight = (u: TeachUpload | null) =>
  u !== null && (u.phase === 'uploading' || u.phase === 'processing');

/**
 * One lesson's upload: check and send a chosen file, then follow the core's state of it (polled every 500 ms while
 * it uploads or is processed). `onSettled` runs when it ends (ready or failed), so the screen can reload.
 */
export function useLessonUpload(
  { courseId, lessonId, kind }: SendTarget,
  initial: TeachUpload | null,
  onSettled: () => void,
) {
  const t = useT();
  const [upload, setUpload] = useState<TeachUpload | null>(initial);
  const [step, setStep] = useState<LocalStep>({ status: 'idle' });
  const [pollError, setPollError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const settled = useRef(onSettled);
  settled.current = onSettled;

  useEffect(() => {
    if (!upload || !inFlight(upload)) return;
    let live = true;
    const timer = setTimeout(() => {
      teachApi.upload(upload.id).then(
        (next) => {
          if (!live) return;
          setPollError(null);
          setUpload(next);
          if (!inFlight(next)) settled.current();
        },
        (err: unknown) => {
          if (!live) return;
          if (err instanceof ApiFailure && err.code === 'not_found') return setUpload(null);
          setPollError(failureMessage(err));
          setTick((n) => n + 1);
        },
      );
    }, POLL_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [upload, tick]);

  const start = useCallback(
    async (file: File) => {
      if (file.size === 0)
        return setStep({ status: 'error', message: t('teach.upload.empty', { name: file.name }) });
      setStep({ status: 'checking', name: file.name });
      const target = { courseId, lessonId, kind };
      try {
        await teachApi.check(target, file);
        setStep({ status: 'sending', name: file.name, sent: 0, total: file.size });
        const started = await teachApi.send(target, file, (sent, total) =>
          setStep({ status: 'sending', name: file.name, sent, total }),
        );
        setStep({ status: 'idle' });
        setUpload(started);
      } catch (err) {
        setStep({ status: 'error', message: failureMessage(err) });
      }
    },
    [courseId, lessonId, kind, t],
  );

  const retry = useCallback(async () => {
    if (!upload) return;
    try {
      setStep({ status: 'idle' });
      setUpload(await teachApi.retry(upload.id));
    } catch (err) {
      setStep({ status: 'error', message: failureMessage(err) });
    }
  }, [upload]);

  const cancel = useCallback(async () => {
    if (!upload) return;
    try {
      await teachApi.dismiss(upload.id);
      setUpload(null);
      setStep({ status: 'idle' });
      settled.current();
    } catch (err) {
      setStep({ status: 'error', message: failureMessage(err) });
    }
  }, [upload]);

  const busy = step.status === 'checking' || step.status === 'sending' || inFlight(upload);
  return { upload, step, pollError, busy, start, retry, cancel };
}
