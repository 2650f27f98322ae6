import { useState } from 'react';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { Link } from '../../components/Link.tsx';
import { useT } from '../../i18n/use-t.ts';
import { failureMessage } from '../../lib/api.ts';
import { learningApi } from '../../lib/learning-api.ts';
import { navigate } from '../../lib/router.ts';

/** Enroll (online only, and said so offline), or go to the course when enrolled. */
export function EnrollAction({
  courseId,
  enrolled,
  online,
}: {
  courseId: string;
  enrolled: boolean;
  online: boolean;
}) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (enrolled)
    return (
      <p className="enroll">
        <span className="badge badge--success">{t('enroll.enrolled')}</span>{' '}
        <Link href={`/learn/${courseId}`} className="button button--primary" data-testid="study-link">
          {t('enroll.study')}
        </Link>
      </p>
    );
  const enroll = async () => {
    setBusy(true);
    setError(null);
    try {
      await learningApi.enroll(courseId);
      navigate(`/learn/${courseId}`);
    } catch (err) {
      setError(failureMessage(err, t('enroll.failed')));
      setBusy(false);
    }
  };
  return (
    <div className="enroll">
      <Button
        variant="primary"
        onClick={() => void enroll()}
        busy={busy}
        busyLabel={t('enroll.enrolling')}
        disabled={!online}
      >
        {t('enroll.enroll')}
      </Button>
      {!online ? <p className="muted">{t('enroll.needsConnection')}</p> : null}
      {error ? <Banner tone="error">{error}</Banner> : null}
    </div>
  );
}
