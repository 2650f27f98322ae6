import { useState } from 'react';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { Link } from '../../components/Link.tsx';
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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (enrolled)
    return (
      <p className="enroll">
        <span className="badge badge--success">You are enrolled</span>{' '}
        <Link href={`/learn/${courseId}`} className="button button--primary" data-testid="study-link">
          Study this course
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
      setError(failureMessage(err, 'Could not enroll.'));
      setBusy(false);
    }
  };
  return (
    <div className="enroll">
      <Button
        variant="primary"
        onClick={() => void enroll()}
        busy={busy}
        busyLabel="Enrolling…"
        disabled={!online}
      >
        Enroll
      </Button>
      {!online ? <p className="muted">Enrolling needs a connection. You are offline right now.</p> : null}
      {error ? <Banner tone="error">{error}</Banner> : null}
    </div>
  );
}
