import { useT } from '../i18n/use-t.ts';
import { useNotifications } from '../lib/notifications.tsx';
import { Link } from './Link.tsx';
import '../screens/notifications/notifications.css';

/** The header's bell: opens the inbox; the badge counts unread notifications (live, offline too). */
export function NotificationBell() {
  const t = useT();
  const { unread } = useNotifications();
  const n = unread ?? 0;
  return (
    <Link
      href="/notifications"
      className="bell"
      data-testid="notification-bell"
      aria-label={t('notifications.bell.label', { count: n })}
    >
      <svg className="bell__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"
          fill="currentColor"
        />
      </svg>
      {n > 0 ? (
        <span className="bell__badge" data-testid="notification-badge" aria-hidden="true">
          {n > 99 ? '99+' : n}
        </span>
      ) : null}
    </Link>
  );
}
