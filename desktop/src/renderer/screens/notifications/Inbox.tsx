import { useState } from 'react';
import type { NotificationView } from '../../../contracts/notifications.ts';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Link } from '../../components/Link.tsx';
import { Markdown } from '../../components/Markdown.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useT } from '../../i18n/use-t.ts';
import { failureMessage } from '../../lib/api.ts';
import { useFormat } from '../../lib/format.ts';
import { notificationsApi } from '../../lib/notifications-api.ts';
import { useNotifications } from '../../lib/notifications.tsx';
import { navigate } from '../../lib/router.ts';
import { useFocusHeading } from '../../lib/use-focus-heading.ts';
import { useLoad } from '../../lib/use-load.ts';
import { OsPermissionPrompt } from './OsPermissionPrompt.tsx';
import './notifications.css';

const TYPES = [
  'content_released',
  'course_updated',
  'deadline_upcoming',
  'enrollment_confirmed',
  'payment_receipt',
  'refund_issued',
  'announcement',
  'grade_posted',
  'alert',
] as const;
type Known = (typeof TYPES)[number];
const typeKey = (type: string) =>
  (TYPES as readonly string[]).includes(type)
    ? (`notifications.type.${type as Known}` as const)
    : ('notifications.type.other' as const);

/** The inbox: notifications kept on this device through sync (readable offline); read state syncs both ways. */
export function Inbox() {
  const t = useT();
  const f = useFormat();
  const { version } = useNotifications();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const { state, set } = useLoad(() => notificationsApi.inbox(unreadOnly), [version, unreadOnly]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useFocusHeading<HTMLHeadingElement>(t('notifications.title'));

  const mark = async (body: { ids: string[] } | { all: true }) => {
    setError(null);
    setBusy(true);
    try {
      const v = await notificationsApi.markRead(body);
      set(unreadOnly ? { ...v, items: v.items.filter((n) => n.readAt === null) } : v);
    } catch (err) {
      setError(failureMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const open = (n: NotificationView) => {
    if (n.readAt === null) void mark({ ids: [n.id] });
    if (n.href) navigate(n.href);
  };

  const data = state.status === 'ready' ? state.data : null;
  return (
    <main id="main" className="page inbox">
      <h1 ref={heading} tabIndex={-1}>
        {t('notifications.title')}
      </h1>
      <OsPermissionPrompt />
      <div className="inbox__bar">
        <p className="muted" role="status">
          {data ? t('notifications.unreadCount', { count: data.unread }) : ''}
        </p>
        <label className="inbox__filter">
          <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} />
          {t('notifications.unreadOnly')}
        </label>
        <Button onClick={() => void mark({ all: true })} disabled={!data || data.unread === 0} busy={busy}>
          {t('notifications.markAllRead')}
        </Button>
        <Link href="/upcoming">{t('nav.upcoming')}</Link>
        <Link href="/preferences/notifications">{t('notifications.settingsLink')}</Link>
      </div>
      {error ? <Banner tone="error">{error}</Banner> : null}
      {state.status === 'loading' ? <Spinner label={t('notifications.loading')} /> : null}
      {state.status === 'error' ? <Banner tone="error">{state.error.message}</Banner> : null}
      {data && data.items.length === 0 ? (
        <EmptyState title={t(unreadOnly ? 'notifications.empty.unread' : 'notifications.empty.title')}>
          {t('notifications.empty.body')}
        </EmptyState>
      ) : null}
      {data && data.items.length > 0 ? (
        <ul className="inbox__list" data-testid="inbox-list">
          {data.items.map((n) => (
            <li
              key={n.id}
              className={n.readAt === null ? 'inbox-item inbox-item--unread' : 'inbox-item'}
              data-testid="inbox-item"
            >
              <h2 className="inbox-item__title">
                {n.readAt === null ? (
                  <span className="visually-hidden">{t('notifications.unreadMark')}</span>
                ) : null}
                {n.href ? (
                  <a
                    href={n.href}
                    onClick={(e) => {
                      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
                      e.preventDefault();
                      open(n);
                    }}
                  >
                    {n.title}
                  </a>
                ) : (
                  n.title
                )}
              </h2>
              <p className="inbox-item__meta muted">
                {t(typeKey(n.type))} ·<time dateTime={n.createdAt}>{f.ago(n.createdAt)}</time>
              </p>
              {n.body ? (
                <div className="inbox-item__body">
                  {n.type === 'announcement' ? (
                    <Markdown source={n.body} headingOffset={2} />
                  ) : (
                    <p>{n.body}</p>
                  )}
                </div>
              ) : null}
              {n.readAt === null ? (
                <Button variant="ghost" onClick={() => void mark({ ids: [n.id] })}>
                  {t('notifications.markRead')}
                  <span className="visually-hidden">: {n.title}</span>
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {data?.more ? <p className="muted">{t('notifications.more')}</p> : null}
    </main>
  );
}
