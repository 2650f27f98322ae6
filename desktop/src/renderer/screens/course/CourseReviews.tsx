import { useEffect, useRef, useState } from 'react';
import type { CourseRating } from '@lyceum/contracts';
import type { ReviewPage } from '../../../contracts/ratings.ts';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { Rating, Stars } from '../../components/Rating.tsx';
import { useT } from '../../i18n/use-t.ts';
import { api, ApiFailure, failureMessage } from '../../lib/api.ts';
import { useFormat } from '../../lib/format.ts';
import './reviews.css';

/** Reviews fetched at a time ("Show more reviews" asks for the next page by the server's cursor). */
const PAGE_SIZE = 10;

type Load =
  | { status: 'loading' }
  | { status: 'ready'; page: ReviewPage }
  | { status: 'offline' }
  | { status: 'error'; message: string };

const isOffline = (err: unknown) => err instanceof ApiFailure && err.code === 'offline';

/** 5★ … 1★ as horizontal bars, each with its count; the average and the number of ratings above. */
function Distribution({ page }: { page: ReviewPage }) {
  const t = useT();
  const f = useFormat();
  return (
    <div className="reviews__summary">
      <p className="reviews__average" data-testid="reviews-summary">
        <Rating average={page.average} count={page.count} />
      </p>
      <ul className="reviews-dist" aria-label={t('reviews.byStars')}>
        {[5, 4, 3, 2, 1].map((n) => {
          const c = page.distribution[n - 1] ?? 0;
          const pct = page.count ? Math.round((c / page.count) * 100) : 0;
          return (
            <li key={n} className="reviews-dist__row" data-testid={`reviews-dist-${n}`}>
              <span className="reviews-dist__label">{t('reviews.stars', { count: n })}</span>
              <span className="reviews-dist__bar" aria-hidden="true" title={f.percent(pct / 100)}>
                <span className="reviews-dist__fill" style={{ width: `${pct}%` }} />
              </span>
              <span className="reviews-dist__count" data-testid={`reviews-dist-count-${n}`}>
                {c}
                <span className="visually-hidden"> {t('reviews.ratingsWord', { count: c })}</span>
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function Review({ r }: { r: CourseRating }) {
  const t = useT();
  const f = useFormat();
  return (
    <li className="review" data-testid="review">
      <p className="review__head">
        <Stars stars={r.stars} spoken />
        <span className="review__name">{r.userName || t('reviews.anonymous')}</span>
        <span className="review__date muted">
          <time dateTime={r.createdAt}>{f.date(r.createdAt)}</time>
          {r.updatedAt !== r.createdAt ? t('reviews.edited') : null}
        </span>
      </p>
      {r.review ? <p className="review__text">{r.review}</p> : null}
    </li>
  );
}

/**
 * Every student's ratings of the course, newest first, with the star distribution: public, so shown to anyone who
 * views the course. Online only (the server keeps them): offline it says so and the rest of the page is unaffected.
 * A change of `refreshKey` (the student rated or changed their rating) loads the first page again.
 */
export function CourseReviews({
  courseId,
  online,
  refreshKey,
}: {
  courseId: string;
  online: boolean;
  refreshKey: number;
}) {
  const t = useT();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [more, setMore] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  /** Bumped by every first-page load, so that a "Show more" answer from before a refresh is dropped. */
  const generation = useRef(0);

  useEffect(() => {
    if (!online) return;
    const ctrl = new AbortController();
    const gen = ++generation.current;
    // A refresh keeps the reviews on screen until the new ones arrive.
    setLoad((l) => (l.status === 'ready' ? l : { status: 'loading' }));
    setMore({ busy: false, error: null });
    api.reviews(courseId, { limit: PAGE_SIZE }, ctrl.signal).then(
      (page) => {
        if (gen === generation.current) setLoad({ status: 'ready', page });
      },
      (err: unknown) => {
        if (ctrl.signal.aborted || gen !== generation.current) return;
        setLoad(
          isOffline(err)
            ? { status: 'offline' }
            : { status: 'error', message: failureMessage(err, t('reviews.loadFailed')) },
        );
      },
    );
    return () => ctrl.abort();
  }, [courseId, online, refreshKey]);

  const showMore = async (cursor: string) => {
    const gen = generation.current;
    setMore({ busy: true, error: null });
    try {
      const next = await api.reviews(courseId, { cursor, limit: PAGE_SIZE });
      if (gen !== generation.current) return;
      setLoad((l) => {
        if (l.status !== 'ready') return l;
        const seen = new Set(l.page.items.map((r) => r.userId));
        return {
          status: 'ready',
          page: { ...next, items: [...l.page.items, ...next.items.filter((r) => !seen.has(r.userId))] },
        };
      });
      setMore({ busy: false, error: null });
    } catch (err) {
      if (gen !== generation.current) return;
      setMore({
        busy: false,
        error: isOffline(err) ? t('reviews.moreOffline') : failureMessage(err, t('reviews.moreFailed')),
      });
    }
  };

  const body = () => {
    if (!online || load.status === 'offline') return <p className="muted">{t('reviews.offline')}</p>;
    if (load.status === 'loading') return <p className="muted">{t('reviews.loading')}</p>;
    if (load.status === 'error') return <Banner tone="error">{load.message}</Banner>;
    const { page } = load;
    if (page.count === 0 && page.items.length === 0) return <p className="muted">{t('reviews.none')}</p>;
    const cursor = page.nextCursor;
    return (
      <>
        <Distribution page={page} />
        <ol className="reviews__list" aria-label={t('reviews.listLabel')}>
          {page.items.map((r) => (
            <Review key={r.userId} r={r} />
          ))}
        </ol>
        {cursor ? (
          <div>
            <Button onClick={() => void showMore(cursor)} busy={more.busy} busyLabel={t('common.loading')}>
              {t('reviews.showMore')}
            </Button>
          </div>
        ) : null}
        {more.error ? <Banner tone="error">{more.error}</Banner> : null}
      </>
    );
  };

  return (
    <section aria-labelledby="reviews-heading" className="course__section reviews">
      <h2 id="reviews-heading">{t('reviews.title')}</h2>
      {body()}
    </section>
  );
}
