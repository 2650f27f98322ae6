import { useId, useState, type FormEvent } from 'react';
import type { SessionState } from '../../contracts/app.ts';
import { useT } from '../i18n/use-t.ts';
import { api, ApiFailure } from '../lib/api.ts';
import { useSync } from '../lib/sync.tsx';
import { Banner } from './Banner.tsx';
import { Button } from './Button.tsx';
import { TextField } from './TextField.tsx';
import '../styles/account.css';

/**
 * Signed in on this device only (offline sign-in): the student studies as usual, and their changes wait. Online, this
 * strip asks for the password to sign in with the server, which lets the waiting changes sync.
 */
export function SyncSignIn({
  session,
  online,
  onSignedIn,
}: {
  session: SessionState;
  online: boolean;
  onSignedIn: (s: SessionState) => void;
}) {
  const t = useT();
  const titleId = useId();
  const { status, syncNow } = useSync();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!session.user) return null;
  const email = session.user.email;
  const pending = status?.pending ?? 0;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!password) {
      setError(t('signIn.error.passwordMissing'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const s = await api.signIn({ email, password });
      if (s.syncSignInRequired) setError(t('syncSignIn.stillOffline'));
      else {
        setPassword('');
        void syncNow();
      }
      onSignedIn(s);
    } catch (err) {
      setError(
        err instanceof ApiFailure && err.code === 'invalid_credentials'
          ? t('signIn.error.invalidCredentials')
          : err instanceof ApiFailure
            ? err.message
            : t('signIn.error.generic'),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="sync-sign-in" aria-labelledby={titleId}>
      <Banner tone="warning">
        <h2 id={titleId} className="sync-sign-in__title">
          {t('syncSignIn.title')}
        </h2>
        {online ? (
          <>
            <p>{t('syncSignIn.body', { count: pending })}</p>
            <form className="sync-sign-in__form" onSubmit={submit} noValidate>
              <input type="email" name="email" autoComplete="username" value={email} readOnly hidden />
              <TextField
                label={t('syncSignIn.password', { email })}
                type="password"
                name="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                error={error}
              />
              <Button type="submit" variant="primary" busy={busy} busyLabel={t('signIn.submitting')}>
                {t('syncSignIn.submit')}
              </Button>
            </form>
          </>
        ) : (
          <p>{t('syncSignIn.offline', { count: pending })}</p>
        )}
      </Banner>
    </section>
  );
}
