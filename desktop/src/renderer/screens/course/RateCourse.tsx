import { useEffect, useId, useState, type FormEvent } from 'react';
import type { MyRatingView } from '../../../core/rating-schemas.ts';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { Stars } from '../../components/Rating.tsx';
import { StarInput } from '../../components/StarInput.tsx';
import { api, failureMessage } from '../../lib/api.ts';

const REVIEW_MAX = 5000;

type Load =
  { status: 'loading' } | { status: 'ready'; view: MyRatingView } | { status: 'error'; message: string };

/**
 * The enrolled student's own rating: give 1–5 stars and an optional review, change it, or remove it. Online only
 * (the server keeps ratings and averages); `onRated` hands the fresh average and count to the page.
 */
export function RateCourse({
  courseId,
  online,
  onRated,
}: {
  courseId: string;
  online: boolean;
  onRated: (view: MyRatingView) => void;
}) {
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [editing, setEditing] = useState(false);
  const [stars, setStars] = useState<number | null>(null);
  const [review, setReview] = useState('');
  const [busy, setBusy] = useState<'save' | 'remove' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const reviewId = useId();

  useEffect(() => {
    if (!online) return;
    const ctrl = new AbortController();
    setLoad({ status: 'loading' });
    api.myRating(courseId, ctrl.signal).then(
      (view) => {
        setLoad({ status: 'ready', view });
        setEditing(view.mine === null);
        setStars(view.mine?.stars ?? null);
        setReview(view.mine?.review ?? '');
      },
      (err: unknown) => {
        if (!ctrl.signal.aborted)
          setLoad({ status: 'error', message: failureMessage(err, 'Your rating could not be loaded.') });
      },
    );
    return () => ctrl.abort();
  }, [courseId, online]);

  const done = (view: MyRatingView, message: string) => {
    setLoad({ status: 'ready', view });
    setEditing(view.mine === null);
    setStars(view.mine?.stars ?? null);
    setReview(view.mine?.review ?? '');
    setNotice(message);
    onRated(view);
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (stars === null) {
      setError('Choose from 1 to 5 stars.');
      return;
    }
    setBusy('save');
    setError(null);
    setNotice(null);
    try {
      done(await api.rate(courseId, { stars, review }), 'Thank you: your rating is saved.');
    } catch (err) {
      setError(failureMessage(err, 'Your rating could not be saved.'));
    } finally {
      setBusy(null);
    }
  };

  const remove = async () => {
    setBusy('remove');
    setError(null);
    setNotice(null);
    try {
      done(await api.removeRating(courseId), 'Your rating was removed.');
    } catch (err) {
      setError(failureMessage(err, 'Your rating could not be removed.'));
    } finally {
      setBusy(null);
    }
  };

  const body = () => {
    if (!online) return <p className="muted">Rating needs a connection. You are offline right now.</p>;
    if (load.status === 'loading') return <p className="muted">Loading your rating…</p>;
    if (load.status === 'error') return <Banner tone="error">{load.message}</Banner>;
    const mine = load.view.mine;
    if (mine && !editing)
      return (
        <div className="my-rating" data-testid="my-rating">
          <p className="my-rating__stars">
            <Stars stars={mine.stars} /> You gave this course {mine.stars}{' '}
            {mine.stars === 1 ? 'star' : 'stars'}.
          </p>
          {mine.review ? <blockquote className="my-rating__review">{mine.review}</blockquote> : null}
          <div className="my-rating__actions">
            <Button onClick={() => setEditing(true)} disabled={busy !== null}>
              Change rating
            </Button>
            <Button
              variant="ghost"
              onClick={() => void remove()}
              busy={busy === 'remove'}
              busyLabel="Removing…"
              disabled={busy !== null}
            >
              Remove rating
            </Button>
          </div>
        </div>
      );
    return (
      <form className="rate-form" onSubmit={(e) => void save(e)} noValidate>
        <StarInput
          value={stars}
          onChange={(n) => {
            setStars(n);
            setError(null);
          }}
          disabled={busy !== null}
        />
        <div className="field">
          <label className="field__label" htmlFor={reviewId}>
            Review <span className="muted">(optional)</span>
          </label>
          <textarea
            id={reviewId}
            className="field__input rate-form__review"
            rows={3}
            maxLength={REVIEW_MAX}
            value={review}
            onChange={(e) => setReview(e.target.value)}
            placeholder="What did you think of this course?"
            disabled={busy !== null}
          />
        </div>
        <div className="my-rating__actions">
          <Button type="submit" variant="primary" busy={busy === 'save'} busyLabel="Saving…">
            {mine ? 'Update rating' : 'Submit rating'}
          </Button>
          {mine ? (
            <Button
              variant="ghost"
              disabled={busy !== null}
              onClick={() => {
                setEditing(false);
                setStars(mine.stars);
                setReview(mine.review);
                setError(null);
              }}
            >
              Cancel
            </Button>
          ) : null}
        </div>
      </form>
    );
  };

  return (
    <section aria-labelledby="rate-heading" className="course__section rate-course">
      <h2 id="rate-heading">Rate this course</h2>
      {body()}
      {error ? <Banner tone="error">{error}</Banner> : null}
      {notice ? <Banner tone="success">{notice}</Banner> : null}
    </section>
  );
}
