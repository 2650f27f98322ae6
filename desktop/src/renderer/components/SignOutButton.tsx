import { useState } from 'react';
import { useT } from '../i18n/use-t.ts';
import { api } from '../lib/api.ts';
import { useSync } from '../lib/sync.tsx';
import { Button } from './Button.tsx';
import { ConfirmDialog } from './ConfirmDialog.tsx';

/**
 * Sign out. Online it signs out at once; offline it first says what signing out means there: how many changes wait
 * to sync (kept on this device), what cannot be opened until the student signs in again, and whether this device
 * can sign them in again without a connection.
 */
export function SignOutButton({
  offline,
  offlineSignIn,
  busy,
  onSignOut,
}: {
  offline: boolean;
  offlineSignIn: boolean;
  busy?: boolean;
  onSignOut: () => void;
}) {
  const t = useT();
  const { status, refresh } = useSync();
  const [asking, setAsking] = useState(false);
  const pending = status?.pending ?? 0;
  return (
    <>
      <Button
        variant="ghost"
        onClick={async () => {
          // Ask the core now: the header's status may be a few seconds old.
          const now = await api.status().then(
            (s) => !s.online,
            () => offline,
          );
          if (!now) return onSignOut();
          refresh();
          setAsking(true);
        }}
        busy={busy}
        busyLabel={t('header.signingOut')}
      >
        {t('header.signOut')}
      </Button>
      <ConfirmDialog
        open={asking}
        title={t('signOut.dialog.title')}
        confirmLabel={t('signOut.dialog.confirm')}
        cancelLabel={t('signOut.dialog.cancel')}
        busy={busy}
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          setAsking(false);
          onSignOut();
        }}
      >
        <p>{t('signOut.dialog.pending', { count: pending })}</p>
        <p>{t('signOut.dialog.unavailable')}</p>
        <p>{offlineSignIn ? t('signOut.dialog.offlineSignIn') : t('signOut.dialog.noOfflineSignIn')}</p>
      </ConfirmDialog>
    </>
  );
}
