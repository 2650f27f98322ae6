import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { AlertView, NotificationPulse } from '../../contracts/notifications.ts';
import { useT } from '../i18n/use-t.ts';
import { useFormat } from './format.ts';
import { notificationsApi } from './notifications-api.ts';
import { osPermission, requestOsPermission, showOsNotification, type OsPermission } from './os-notify.ts';
import { navigate } from './router.ts';

interface NotificationsContext {
  /** Unread notifications in the inbox (null until known). */
  unread: number | null;
  /** Changes whenever the inbox or the reminders change (screens reload on it). */
  version: string;
  permission: OsPermission;
  /** Ask for permission to show OS notifications (web mode; from a click). */
  askPermission: () => Promise<void>;
}

const Ctx = createContext<NotificationsContext>({
  unread: null,
  version: '',
  permission: 'unsupported',
  askPermission: () => Promise.resolve(),
});

const LONG_POLL_MS = 25_000;
const RETRY_MS = 2000;

/**
 * Keeps the badge live and shows OS notifications: long-polls the core's pulse (it answers as soon as a pull brings a
 * notification, a mark-read lands or a reminder's time comes — offline too), then takes the waiting OS notifications
 * and shows them through Electron (preload bridge) or the browser's Notification API once permitted.
 */
export function NotificationsProvider({ children }: { children: ReactNode }) {
  const [pulse, setPulse] = useState<NotificationPulse | null>(null);
  const [permission, setPermission] = useState<OsPermission>(osPermission);
  const t = useT();
  const f = useFormat();
  const text = useRef<(a: AlertView) => { title: string; body: string }>(() => ({ title: '', body: '' }));
  text.current = (a) =>
    a.kind === 'deadline'
      ? {
          title: t(a.offset === '1h' ? 'notifications.reminder.title1h' : 'notifications.reminder.title24h', {
            lesson: a.lessonTitle,
          }),
          body: t('notifications.reminder.body', { course: a.courseTitle, when: f.dateTime(a.dueAt) }),
        }
      : { title: a.title, body: a.body.slice(0, 300) };

  useEffect(() => {
    const stop = new AbortController();
    let since: string | null = null;
    void (async () => {
      while (!stop.signal.aborted) {
        try {
          const p = await notificationsApi.pulse(since, since === null ? 0 : LONG_POLL_MS, stop.signal);
          since = p.key;
          setPulse(p);
          if (p.alertsWaiting > 0 && permission === 'granted') {
            const { items } = await notificationsApi.claimAlerts();
            for (const a of items)
              showOsNotification({
                ...text.current(a),
                tag: a.dedupeKey,
                onClick: () => {
                  const href = a.href;
                  if (href) navigate(href);
                },
              });
          }
        } catch {
          if (stop.signal.aborted) return;
          await new Promise((r) => setTimeout(r, RETRY_MS));
        }
      }
    })();
    return () => stop.abort();
  }, [permission]);

  const askPermission = useCallback(async () => {
    setPermission(await requestOsPermission());
  }, []);

  return (
    <Ctx.Provider
      value={{ unread: pulse?.unread ?? null, version: pulse?.key ?? '', permission, askPermission }}
    >
      {children}
    </Ctx.Provider>
  );
}

export const useNotifications = () => useContext(Ctx);
