import { Banner } from '../../components/Banner.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Link } from '../../components/Link.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useT } from '../../i18n/use-t.ts';
import { useFormat } from '../../lib/format.ts';
import { notificationsApi } from '../../lib/notifications-api.ts';
import { useNotifications } from '../../lib/notifications.tsx';
import { useSync } from '../../lib/sync.tsx';
import { useFocusHeading } from '../../lib/use-focus-heading.ts';
import { useLoad } from '../../lib/use-load.ts';
import { CalendarPanel } from './CalendarPanel.tsx';
import { OsPermissionPrompt } from './OsPermissionPrompt.tsx';
import './notifications.css';

/** Upcoming: everything due across the enrolled courses, soonest first, overdue marked — from this device (offline). */
export function Upcoming() {
  const t = useT();
  const f = useFormat();
  const { version } = useSync();
  const { version: notified } = useNotifications();
  const { state } = useLoad(() => notificationsApi.upcoming(), [version, notified]);
  const heading = useFocusHeading<HTMLHeadingElement>(t('upcoming.title'));
  const data = state.status === 'ready' ? state.data : null;
  return (
    <main id="main" className="page upcoming">
      <h1 ref={heading} tabIndex={-1}>
        {t('upcoming.title')}
      </h1>
      <p className="muted">{t('upcoming.intro')}</p>
      <OsPermissionPrompt />
      {state.status === 'loading' ? <Spinner label={t('upcoming.loading')} /> : null}
      {state.status === 'error' ? <Banner tone="error">{state.error.message}</Banner> : null}
      {data && data.coursesMissing > 0 ? (
        <Banner tone="warning">{t('upcoming.coursesMissing', { count: data.coursesMissing })}</Banner>
      ) : null}
      {data && data.items.length === 0 ? (
        <EmptyState title={t('upcoming.empty.title')}>{t('upcoming.empty.body')}</EmptyState>
      ) : null}
      {data && data.items.length > 0 ? (
        <ol className="upcoming__list" data-testid="upcoming-list">
          {data.items.map((d) => (
            <li
              key={d.lessonId}
              className={d.overdue ? 'upcoming-item upcoming-item--overdue' : 'upcoming-item'}
              data-testid="upcoming-item"
            >
              <p className="upcoming-item__when">
                {d.overdue ? <span className="upcoming-item__flag">{t('upcoming.overdue')}</span> : null}
                <time dateTime={d.dueAt}>{t('upcoming.due', { when: f.dateTime(d.dueAt) })}</time>
              </p>
              <h2 className="upcoming-item__title">
                <Link href={d.href}>{d.lessonTitle}</Link>
              </h2>
              <p className="muted">
                {t('upcoming.where', { course: d.courseTitle, kind: f.label('kind', d.kind) })}
              </p>
            </li>
          ))}
        </ol>
      ) : null}
      <CalendarPanel />
    </main>
  );
}
