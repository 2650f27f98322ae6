import { Banner } from '../../components/Banner.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Link } from '../../components/Link.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useT } from '../../i18n/use-t.ts';
import { useFormat } from '../../lib/format.ts';
import { learningApi } from '../../lib/learning-api.ts';
import { useSync } from '../../lib/sync.tsx';
import { useFocusHeading } from '../../lib/use-focus-heading.ts';
import { useLoad } from '../../lib/use-load.ts';
import { OfflineNotices } from './OfflineUpdates.tsx';
import { PaymentNoticesBanner } from '../purchases/MyPurchases.tsx';
import { ProgressBar } from './ProgressBar.tsx';

/** My Learning: enrolled courses with progress, where to continue, what is due. Works offline from the local store. */
export function MyLearning() {
  const { version } = useSync();
  const { state } = useLoad(() => learningApi.list(), [version]);
  const t = useT();
  const f = useFormat();
  const heading = useFocusHeading<HTMLHeadingElement>(t('learning.title'));
  return (
    <main id="main" className="page learning">
      <h1 ref={heading} tabIndex={-1}>
        {t('learning.title')}
      </h1>
      {state.status === 'loading' ? <Spinner label={t('learning.loading')} /> : null}
      {state.status === 'error' ? <Banner tone="error">{state.error.message}</Banner> : null}
      {state.status === 'ready' && !state.data.online ? (
        <Banner tone="info">{t('learning.offline')}</Banner>
      ) : null}
      <p className="learning__purchases">
        <Link href="/purchases">{t('learning.purchases')}</Link>
        {' · '}
        <Link href="/upcoming">{t('nav.upcoming')}</Link>
      </p>
      <OfflineNotices />
      <PaymentNoticesBanner />
      {state.status === 'ready' && state.data.items.length === 0 ? (
        <EmptyState
          title={t('learning.empty.title')}
          action={<Link href="/">{t('learning.empty.browse')}</Link>}
        >
          {t('learning.empty.body')}
        </EmptyState>
      ) : null}
      {state.status === 'ready' && state.data.items.length > 0 ? (
        <ul className="learning__list" data-testid="learning-list">
          {state.data.items.map((c) => (
            <li key={c.courseId} className="learning-card" data-testid="learning-item">
              <h2 className="learning-card__title">
                <Link href={`/learn/${c.courseId}`}>{c.title}</Link>
              </h2>
              <ProgressBar
                value={c.progressPercent}
                label={t('learning.progress', { done: c.completedLessons, required: c.requiredLessons })}
              />
              {c.status === 'completed' ? (
                <p className="badge badge--success">{t('learning.completed')}</p>
              ) : null}
              {c.nextLesson ? (
                <p>
                  {t('learning.next')}{' '}
                  <Link href={`/learn/${c.courseId}/lessons/${c.nextLesson.lessonId}`}>
                    {c.nextLesson.title}
                  </Link>
                </p>
              ) : null}
              {c.upcomingDue.length ? (
                <ul className="due" aria-label={t('learning.dueSoon')}>
                  {c.upcomingDue.map((d) => (
                    <li key={d.lessonId} className={d.overdue ? 'due__item due__item--overdue' : 'due__item'}>
                      {t(d.overdue ? 'learning.overdue' : 'learning.due', {
                        title: d.title,
                        when: f.dateTime(d.dueAt),
                      })}
                    </li>
                  ))}
                </ul>
              ) : null}
              <p className="muted">
                {c.offline?.state === 'ready' && c.offline.storedItems < c.offline.totalItems
                  ? t('download.card.incomplete', {
                      stored: c.offline.storedItems,
                      total: c.offline.totalItems,
                    })
                  : c.offline?.state === 'ready'
                    ? t('learning.availableOffline')
                    : c.structureStored
                      ? t('learning.saved')
                      : t('learning.notSaved')}
                {c.lastActivityAt ? t('learning.lastStudied', { ago: f.ago(c.lastActivityAt) }) : ''}
              </p>
            </li>
          ))}
        </ul>
      ) : null}
    </main>
  );
}
