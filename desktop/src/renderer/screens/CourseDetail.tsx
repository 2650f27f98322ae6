import { useCallback, useEffect, useState } from 'react';
import type { MyRatingView } from '../../contracts/ratings.ts';
import type { CourseView } from '../../contracts/app.ts';
import { Banner } from '../components/Banner.tsx';
import { Button } from '../components/Button.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { Link } from '../components/Link.tsx';
import { Markdown } from '../components/Markdown.tsx';
import { Rating } from '../components/Rating.tsx';
import { EnrollAction } from './learning/EnrollAction.tsx';
import { CourseReviews } from './course/CourseReviews.tsx';
import { RateCourse } from './course/RateCourse.tsx';
import { UnenrollAction } from './course/UnenrollAction.tsx';
import { CoursePaymentState, useCoursePayment } from './course/CoursePaymentState.tsx';
import { PurchasePanel } from './course/PurchasePanel.tsx';
import { LoadingPage } from '../components/PageState.tsx';
import { api, asFailure, type ApiFailure } from '../lib/api.ts';
import { useConnectivity } from '../lib/connectivity.tsx';
import { useFormat } from '../lib/format.ts';
import { lastCatalog } from '../lib/router.ts';
import { useFocusHeading } from '../lib/use-focus-heading.ts';
import { useT } from '../i18n/use-t.ts';

type Load =
  { status: 'loading' } | { status: 'ready'; view: CourseView } | { status: 'error'; error: ApiFailure };

export function CourseDetail({ id }: { id: string }) {
  const t = useT();
  const f = useFormat();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  /** Bumped when the student rates, changes or removes their rating: the reviews load again. */
  const [reviewsVersion, setReviewsVersion] = useState(0);
  const { refresh } = useConnectivity();
  const payment = useCoursePayment(id);
  const title =
    load.status === 'ready'
      ? load.view.course.title
      : load.status === 'error'
        ? t('courseDetail.unavailable')
        : t('courseDetail.loading');
  const heading = useFocusHeading<HTMLHeadingElement>(title, `${id}:${load.status}`);

  useEffect(() => {
    const ctrl = new AbortController();
    setLoad({ status: 'loading' });
    api.course(id, ctrl.signal).then(
      (view) => {
        setLoad({ status: 'ready', view });
        if (view.offline) refresh();
      },
      (err: unknown) => {
        if (ctrl.signal.aborted) return;
        setLoad({
          status: 'error',
          error: asFailure(err),
        });
        refresh();
      },
    );
    return () => ctrl.abort();
  }, [id, attempt, refresh]);

  /** Fetch the course again without the loading state (after a rating or leaving the course). */
  const reload = useCallback(() => {
    api.course(id).then(
      (view) =>
        setLoad((l) => (l.status === 'ready' && l.view.course.id === id ? { status: 'ready', view } : l)),
      () => undefined,
    );
  }, [id]);

  /** The new average and count show at once; the reload then brings the whole course (and the saved copy) up to date. */
  const rated = useCallback(
    (r: MyRatingView) => {
      setLoad((l) =>
        l.status === 'ready' && l.view.course.id === r.courseId
          ? {
              status: 'ready',
              view: {
                ...l.view,
                course: { ...l.view.course, ratingAverage: r.average, ratingCount: r.count },
              },
            }
          : l,
      );
      setReviewsVersion((n) => n + 1);
      reload();
    },
    [reload],
  );

  const back = (
    <Link href={`/${lastCatalog.search}`} className="back-link">
      <span aria-hidden="true">← </span>
      {t('courseDetail.back')}
    </Link>
  );

  if (load.status === 'loading') return <LoadingPage back={back} heading={heading} what="course" />;

  if (load.status === 'error') {
    const { code, message } = load.error;
    return (
      <main id="main" className="page">
        {back}
        <h1 ref={heading} tabIndex={-1}>
          {code === 'not_cached'
            ? t('courseDetail.notCached')
            : code === 'not_found'
              ? t('courseDetail.notFound')
              : t('courseDetail.unavailable')}
        </h1>
        <EmptyState
          title={code === 'not_cached' ? t('courseDetail.notCached.title') : message}
          action={
            code === 'not_found' ? null : (
              <Button onClick={() => setAttempt((n) => n + 1)}>{t('common.tryAgain')}</Button>
            )
          }
        >
          {code === 'not_cached' ? t('courseDetail.notCached.body') : null}
        </EmptyState>
      </main>
    );
  }

  const { course, source, syncedAt } = load.view;
  const online = source === 'server';
  // Open on this device: enrolled on the server, or a voucher redeemed here that the server has not applied yet.
  const enrolled = course.viewer.enrolled || (payment.state?.unlocked ?? false);
  const unlocked = () => {
    payment.reload();
    reload();
  };
  const lockedLessons = course.modules.flatMap((m) => m.lessons).filter((l) => l.locked).length;
  return (
    <main id="main" className="page course">
      {back}
      {source === 'cache' ? (
        <Banner tone="warning">{t('courseDetail.cached', { ago: f.ago(syncedAt) })}</Banner>
      ) : null}
      <header className="course__header">
        <p className="course__eyebrow">
          {course.subject} · {f.label('level', course.level)} · {f.label('type', course.type)} ·{' '}
          {f.languageName(course.language)}
        </p>
        <h1 ref={heading} tabIndex={-1} className="course__title">
          {course.title}
        </h1>
        <p className="course__by">
          {course.instructors.length
            ? t('courseDetail.taughtBy', { names: course.instructors.map((i) => i.name).join(', ') })
            : null}
        </p>
        <dl className="course__facts">
          <div>
            <dt>{t('courseDetail.rating')}</dt>
            <dd data-testid="course-rating" aria-live="polite">
              <Rating average={course.ratingAverage} count={course.ratingCount} />
            </dd>
          </div>
          <div>
            <dt>{t('courseDetail.price')}</dt>
            <dd className={course.price ? 'price' : 'price price--free'}>{f.price(course.price)}</dd>
          </div>
          <div>
            <dt>{t('courseDetail.length')}</dt>
            <dd>
              {t('course.lessons', { count: course.lessonCount })} · {f.minutes(course.durationMinutes)}
            </dd>
          </div>
          <div>
            <dt>{t('courseDetail.students')}</dt>
            <dd>{f.number(course.enrollmentCount)}</dd>
          </div>
        </dl>
        <CoursePaymentState state={payment.state} />
        {course.viewer.canEdit && !enrolled ? (
          <p>
            <Link href={`/teach/${course.id}/edit`} className="button button--primary">
              {t('author.courseEdit')}
            </Link>
          </p>
        ) : course.price && !enrolled ? (
          <PurchasePanel courseId={course.id} price={course.price} online={online} onUnlocked={unlocked} />
        ) : (
          <EnrollAction courseId={course.id} enrolled={enrolled} online={online} />
        )}
        {course.viewer.enrolled ? (
          <UnenrollAction
            courseId={course.id}
            title={course.title}
            online={source === 'server'}
            onLeft={reload}
          />
        ) : null}
      </header>

      {course.viewer.enrolled ? (
        <RateCourse courseId={course.id} online={source === 'server'} onRated={rated} />
      ) : null}

      {course.description ? (
        <section aria-labelledby="about" className="course__section">
          <h2 id="about">{t('courseDetail.about')}</h2>
          <div className="course__description">
            <Markdown source={course.description} headingOffset={2} />
          </div>
          {course.tags.length ? (
            <ul className="tags" aria-label={t('courseDetail.tags')}>
              {course.tags.map((tag) => (
                <li key={tag} className="tag">
                  {tag}
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby="prereq" className="course__section">
        <h2 id="prereq">{t('courseDetail.prerequisites')}</h2>
        {course.prerequisites.length ? (
          <ul className="prereqs">
            {course.prerequisites.map((p) => (
              <li key={p.id}>
                <Link href={`/courses/${p.id}`}>{p.title}</Link>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t('courseDetail.noPrerequisites')}</p>
        )}
      </section>

      <section aria-labelledby="outline" className="course__section">
        <h2 id="outline">{t('courseDetail.outline')}</h2>
        {course.modules.length === 0 ? <p className="muted">{t('courseDetail.noLessons')}</p> : null}
        {lockedLessons > 0 ? (
          <p className="muted" data-testid="outline-note">
            {t('course.outline.lockedNote', { count: lockedLessons })}
          </p>
        ) : null}
        <ol className="modules">
          {course.modules.map((m, mi) => (
            <li key={m.id} className="module">
              <h3 className="module__title">
                <span className="module__number">{t('study.module', { n: mi + 1 })}</span> {m.title}
              </h3>
              <ol className="lessons">
                {m.lessons.map((l) => (
                  <li key={l.id} className="lesson">
                    <span className={`lesson__kind lesson__kind--${l.kind}`}>{f.label('kind', l.kind)}</span>
                    <span className="lesson__title">
                      {l.locked ? (
                        l.title
                      ) : (
                        <Link
                          href={
                            enrolled
                              ? `/learn/${course.id}/lessons/${l.id}`
                              : `/courses/${course.id}/lessons/${l.id}`
                          }
                        >
                          {l.title}
                        </Link>
                      )}
                    </span>
                    <span className="lesson__meta">
                      {l.isPreview ? <span className="badge">{t('courseDetail.preview')}</span> : null}
                      {l.locked ? (
                        <span className="lesson__locked" title={t('courseDetail.lockedTitle')}>
                          <svg
                            viewBox="0 0 16 16"
                            width="14"
                            height="14"
                            aria-hidden="true"
                            focusable="false"
                          >
                            <path
                              fill="currentColor"
                              d="M4 7V5a4 4 0 1 1 8 0v2h1v8H3V7h1Zm2 0h4V5a2 2 0 1 0-4 0v2Z"
                            />
                          </svg>
                          {t('courseDetail.locked')}
                        </span>
                      ) : null}
                      {l.durationMinutes ? (
                        <span className="muted">{f.minutes(l.durationMinutes)}</span>
                      ) : null}
                    </span>
                  </li>
                ))}
              </ol>
            </li>
          ))}
        </ol>
      </section>

      <CourseReviews
        key={course.id}
        courseId={course.id}
        online={source === 'server'}
        refreshKey={reviewsVersion}
      />
    </main>
  );
}
