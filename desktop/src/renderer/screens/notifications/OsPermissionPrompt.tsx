import { Button } from '../../components/Button.tsx';
import { useT } from '../../i18n/use-t.ts';
import { useNotifications } from '../../lib/notifications.tsx';

/** In a browser: offer to turn on desktop notifications (reminders and new notifications) until asked. */
export function OsPermissionPrompt() {
  const t = useT();
  const { permission, askPermission } = useNotifications();
  if (permission === 'granted' || permission === 'unsupported') return null;
  return (
    <div className="banner banner--info os-permission" role="region" aria-label={t('notifications.os.label')}>
      {permission === 'denied' ? (
        <p>{t('notifications.os.denied')}</p>
      ) : (
        <>
          <p>{t('notifications.os.ask')}</p>
          <Button variant="primary" onClick={() => void askPermission()}>
            {t('notifications.os.turnOn')}
          </Button>
        </>
      )}
    </div>
  );
}
