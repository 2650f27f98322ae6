import { useEffect, useId, useState, type FormEvent } from 'react';
import type { MyRatingView } from '../../../contracts/ratings.ts';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { Stars } from '../../components/Rating.tsx';
import { StarInput } from '../../components/StarInput.tsx';
import type { MessageKey } from '../../i18n/catalogues.ts';
import { useT } from '../../i18n/use-t.ts';
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
  const t = useT();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [editing, setEditing] = useState(false);
  const [stars, setStars] = useState<number | null>(null);
  const [review, setReview] = useState('');
  const [busy, setBusy] = useState<'save' | 'remove' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<MessageKey | null>(null);
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
          setLoad({ status: 'error', message: failureMessage(err, t('rate.loadFailed')) });
      },
    );
    return () => ctrl.abort();
  }, [courseId, online]);

  const done = (view: MyRatingView, message: MessageKey) => {
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
      setError(t('rate.chooseStars'));
      return;
    }
    setBusy('save');
    setError(null);
    setNotice(null);
    try {
      done(await api.rate(courseId, { stars, review }), 'rate.saved');
    } catch (err) {
      setError(failureMessage(err, t('rate.saveFailed')));
    } finally {
      setBusy(null);
    }
  };

  const remove = async () => {
    setBusy('remove');
    setError(null);
    setNotice(null);
    try {
      done(await api.removeRating(courseId), 'rate.removed');
    } catch (err) {
      setError(failureMessage(err, t('rate.removeFailed')));
    } finally {
      setBusy(null);
    }
  };

  const body = () => {
    if (!online) return <p className="muted">{t('rate.offline')}</p>;
    if (load.status === 'loading') return <p className="muted">{t('rate.loading')}</p>;
    if (load.status === 'error') return <Banner tone="error">{load.message}</Banner>;
    const mine = load.view.mine;
    if (mine && !editing)
      return (
        <div className="my-rating" data-testid="my-rating">
          <p className="my-rating__stars">
            <Stars stars={mine.stars} /> {t('rate.youGave', { count: mine.stars })}
          </p>
          {mine.review ? <blockquote className="my-rating__review">{mine.review}</blockquote> : null}
          <div className="my-rating__actions">
            <Button onClick={() => setEditing(true)} disabled={busy !== null}>
              {t('rate.change')}
            </Button>
            <Button
              variant="ghost"
              onClick={() => void remove()}
              busy={busy === 'remove'}
              busyLabel={t('rate.removing')}
              disabled={busy !== null}
            >
              {t('rate.remove')}
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
            {t('rate.review')} <span className="muted">{t('rate.optional')}</span>
          </label>
          <textarea
            id={reviewId}
            className="field__input rate-form__review"
            rows={3}
            maxLength={REVIEW_MAX}
            value={review}
            onChange={(e) => setReview(e.target.value)}
            placeholder={t('rate.reviewPlaceholder')}
            disabled={busy !== null}
          />
        </div>
        <div className="my-rating__actions">
          <Button type="submit" variant="primary" busy={busy === 'save'} busyLabel={t('rate.saving')}>
            {mine ? t('rate.update') : t('rate.submit')}
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
              {t('common.cancel')}
            </Button>
          ) : null}
        </div>
      </form>
    );
  };

  return (
    <section aria-labelledby="rate-heading" className="course__section rate-course">
      <h2 id="rate-heading">{t('rate.title')}</h2>
      {body()}
      {error ? <Banner tone="error">{error}</Banner> : null}
      {notice ? <Banner tone="success">{t(notice)}</Banner> : null}
    </section>
  );
}
