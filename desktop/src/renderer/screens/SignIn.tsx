import { useState, type FormEvent } from 'react';
import type { SessionState } from '../../contracts/app.ts';
import { Banner } from '../components/Banner.tsx';
import { TextField } from '../components/TextField.tsx';
import { LanguageChoice } from '../i18n/LanguageChoice.tsx';
import { useT } from '../i18n/use-t.ts';
import { looksLikeEmail } from '../lib/account-api.ts';
import { api, ApiFailure } from '../lib/api.ts';
import { useConnectivity } from '../lib/connectivity.tsx';
import {
  AccountForm,
  AccountLinks,
  AccountPanel,
  EmailField,
  ErrorBanner,
  LinkButton,
} from './account/AccountForm.tsx';
import { CreateAccount } from './CreateAccount.tsx';
import { ForgotPassword } from './ForgotPassword.tsx';
import '../styles/account.css';

type T = ReturnType<typeof useT>;

/** What to say about a failed sign-in, online or checked on this device (offline). */
function signInError(t: T, err: unknown): string {
  if (!(err instanceof ApiFailure)) return t('signIn.error.generic');
  const d = (err.details ?? {}) as { attemptsLeft?: number; retryAfterSeconds?: number; reason?: string };
  switch (err.code) {
    case 'invalid_credentials':
      if (d.retryAfterSeconds) return t('signIn.error.offlineLocked', { seconds: d.retryAfterSeconds });
      if (typeof d.attemptsLeft === 'number') return t('signIn.error.offlineWrong', { left: d.attemptsLeft });
      return t('signIn.error.invalidCredentials');
    case 'offline':
      return d.reason === 'not_on_this_device' ? t('signIn.error.offlineFirst') : t('signIn.error.offline');
    case 'account_disabled':
      return t('signIn.error.accountDisabled');
    case 'account_locked':
      return t('signIn.error.accountLocked');
    case 'too_many_attempts':
      return d.retryAfterSeconds
        ? t('signIn.error.offlineLocked', { seconds: d.retryAfterSeconds })
        : t('signIn.error.tooManyAttempts');
    default:
      return err.message;
  }
}

/** Sign in (online, or offline on a device where the account signed in before), create an account, or reset a password. */
export function SignIn({
  notice,
  onSignedIn,
}: {
  notice: SessionState['notice'];
  onSignedIn: (s: SessionState) => void;
}) {
  const [view, setView] = useState<'sign-in' | 'create' | 'forgot'>('sign-in');
  const [resetDone, setResetDone] = useState(false);
  if (view === 'create') return <CreateAccount onSignedIn={onSignedIn} onBack={() => setView('sign-in')} />;
  if (view === 'forgot')
    return (
      <ForgotPassword
        onBack={(changed) => {
          setResetDone(changed);
          setView('sign-in');
        }}
      />
    );
  return (
    <SignInForm
      notice={notice}
      resetDone={resetDone}
      onSignedIn={onSignedIn}
      onCreate={() => setView('create')}
      onForgot={() => setView('forgot')}
    />
  );
}

function SignInForm({
  notice,
  resetDone,
  onSignedIn,
  onCreate,
  onForgot,
}: {
  notice: SessionState['notice'];
  resetDone: boolean;
  onSignedIn: (s: SessionState) => void;
  onCreate: () => void;
  onForgot: () => void;
}) {
  const t = useT();
  const { status } = useConnectivity();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<{ email?: string; password?: string }>({});

  async function submit(e: FormEvent) {
    e.preventDefault();
    const problems: typeof fieldErrors = {};
    if (!looksLikeEmail(email)) problems.email = t('signIn.error.emailInvalid');
    if (!password) problems.password = t('signIn.error.passwordMissing');
    setFieldErrors(problems);
    if (problems.email || problems.password) return;
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.signIn({ email: email.trim(), password }));
    } catch (err) {
      setError(signInError(t, err));
      setBusy(false);
    }
  }

  return (
    <AccountPanel title={t('signIn.title')} pageTitle={t('signIn.submit')}>
      <p className="muted">{t('signIn.intro')}</p>
      {resetDone ? <Banner tone="success">{t('forgot.done')}</Banner> : null}
      {notice === 'session_expired' ? (
        <Banner tone="warning">{t('signIn.notice.sessionExpired')}</Banner>
      ) : null}
      {notice === 'password_changed' ? (
        <Banner tone="warning">{t('signIn.notice.passwordChanged')}</Banner>
      ) : null}
      {status && !status.online ? <Banner tone="info">{t('signIn.offlineNote')}</Banner> : null}
      <ErrorBanner error={error} />
      <AccountForm
        onSubmit={submit}
        busy={busy}
        busyLabel={t('signIn.submitting')}
        submit={t('signIn.submit')}
      >
        <EmailField
          label={t('signIn.email')}
          autoComplete="username"
          value={email}
          onChange={setEmail}
          error={fieldErrors.email}
        />
        <TextField
          label={t('signIn.password')}
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldErrors.password}
          required
        />
      </AccountForm>
      <AccountLinks>
        <LinkButton onClick={onForgot}>{t('signIn.forgot')}</LinkButton>
        <LinkButton onClick={onCreate}>{t('signIn.create')}</LinkButton>
      </AccountLinks>
      <LanguageChoice />
    </AccountPanel>
  );
}
