import { useEffect, useRef, useState } from 'react';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { useT } from '../../i18n/use-t.ts';
import { failureMessage } from '../../lib/api.ts';
import { learningApi } from '../../lib/learning-api.ts';

/** Leave a course, after a confirmation step. Online only (the server decides), and said so offline. */
export function UnenrollAction({
  courseId,
  title,
  online,
  onLeft,
}: {
  courseId: string;
  title: string;
  online: boolean;
  onLeft: () => void;
}) {
  const t = useT();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const question = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    if (confirming) question.current?.focus();
  }, [confirming]);

  const leave = async () => {
    setBusy(true);
    setError(null);
    try {
      await learningApi.unenroll(courseId);
      setConfirming(false);
      onLeft();
    } catch (err) {
      setError(failureMessage(err, t('unenroll.failed')));
    } finally {
      setBusy(false);
    }
  };

  if (!confirming)
    return (
      <div className="unenroll">
        <Button variant="ghost" onClick={() => setConfirming(true)} disabled={!online}>
          {t('unenroll.leave')}
        </Button>
        {!online ? <p className="muted">{t('unenroll.needsConnection')}</p> : null}
      </div>
    );

  return (
    <div className="unenroll unenroll--confirm" role="group" aria-labelledby={`leave-${courseId}`}>
      <p id={`leave-${courseId}`} ref={question} tabIndex={-1} className="unenroll__question">
        {t('unenroll.question', { title })}
      </p>
      <div className="unenroll__buttons">
        <Button variant="primary" onClick={() => void leave()} busy={busy} busyLabel={t('unenroll.leaving')}>
          {t('unenroll.confirm')}
        </Button>
        <Button
          onClick={() => {
            setConfirming(false);
            setError(null);
          }}
          disabled={busy}
        >
          {t('common.cancel')}
        </Button>
      </div>
      {error ? <Banner tone="error">{error}</Banner> : null}
    </div>
  );
}
