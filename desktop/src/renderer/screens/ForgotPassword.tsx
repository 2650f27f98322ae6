import { useId, useState, type FormEvent } from 'react';
import { Banner } from '../components/Banner.tsx';
import { Button } from '../components/Button.tsx';
import { PasswordProblems, PasswordRules } from '../components/PasswordRules.tsx';
import { TextField } from '../components/TextField.tsx';
import { useT } from '../i18n/use-t.ts';
import { accountApi, looksLikeEmail, fieldErrors, passwordProblems } from '../lib/account-api.ts';
import { ApiFailure } from '../lib/api.ts';
import { useFocusHeading } from '../lib/use-focus-heading.ts';

type T = ReturnType<typeof useT>;

function failure(t: T, err: unknown): string {
  if (!(err instanceof ApiFailure)) return t('signIn.error.generic');
  if (err.code === 'offline') return t('forgot.error.offline');
  if (err.code === 'too_many_attempts') return t('forgot.error.tooMany');
  if (err.code === 'reset_token_invalid') return t('forgot.error.invalidCode');
  return err.message;
}

/**
 * Reset a forgotten password (online): ask for the email with a link and a code, then paste the code (or the link)
 * here and choose a new password that meets the rules; the result is shown, then back to signing in.
 */
export function ForgotPassword({ onBack }: { onBack: (changed: boolean) => void }) {
  const t = useT();
  const [step, setStep] = useState<'request' | 'code'>('request');
  const heading = useFocusHeading<HTMLHeadingElement>(t('forgot.title'), step);
  const rulesId = useId();
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [errors, setErrors] = useState<{
    email?: string;
    code?: string;
    password?: string;
    confirm?: string;
  }>({});
  const [problems, setProblems] = useState<string[]>([]);

  async function request(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!looksLikeEmail(email)) {
      setErrors({ email: t('signIn.error.emailInvalid') });
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await accountApi.requestReset({ email: email.trim() });
      setSentTo(email.trim());
      setStep('code');
    } catch (err) {
      setError(failure(t, err));
    } finally {
      setBusy(false);
    }
  }

  async function confirmReset(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setProblems([]);
    const local: typeof errors = {};
    if (!code.trim()) local.code = t('forgot.error.code');
    if (!password) local.password = t('signIn.error.passwordMissing');
    else if (password !== confirm) local.confirm = t('forgot.error.mismatch');
    setErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      await accountApi.confirmReset({ code, password });
      onBack(true);
    } catch (err) {
      setBusy(false);
      const weak = passwordProblems(err);
      if (weak.length) {
        setProblems(weak);
        setErrors({ password: t('createAccount.error.weak') });
        return;
      }
      const fields = fieldErrors(err);
      if (fields.code) {
        setErrors({ code: t('forgot.error.code') });
        return;
      }
      if (err instanceof ApiFailure && err.code === 'reset_token_invalid') {
        setErrors({ code: t('forgot.error.invalidCode') });
        return;
      }
      setError(failure(t, err));
    }
  }

  return (
    <main id="main" className="sign-in">
      <div className="sign-in__panel">
        <h1 ref={heading} tabIndex={-1} className="sign-in__title">
          {t('forgot.title')}
        </h1>
        {error ? <Banner tone="error">{error}</Banner> : null}
        {step === 'request' ? (
          <>
            <p className="muted">{t('forgot.intro')}</p>
            <form onSubmit={request} noValidate className="sign-in__form">
              <TextField
                label={t('signIn.email')}
                type="email"
                name="email"
                autoComplete="username"
                value={email}
                onChange={(e) => setEmail(e.target.value)}
                error={errors.email}
                required
              />
              <Button type="submit" variant="primary" busy={busy} busyLabel={t('forgot.sending')}>
                {t('forgot.send')}
              </Button>
            </form>
            <div className="sign-in__links">
              <button type="button" className="link-button" onClick={() => setStep('code')}>
                {t('forgot.haveCode')}
              </button>
            </div>
          </>
        ) : (
          <>
            {sentTo ? <Banner tone="success">{t('forgot.sent', { email: sentTo })}</Banner> : null}
            <form onSubmit={confirmReset} noValidate className="sign-in__form">
              <TextField
                label={t('forgot.code')}
                hint={t('forgot.codeHint')}
                name="code"
                autoComplete="one-time-code"
                spellCheck={false}
                value={code}
                onChange={(e) => setCode(e.target.value)}
                error={errors.code}
                required
              />
              <TextField
                label={t('forgot.newPassword')}
                type="password"
                name="new-password"
                autoComplete="new-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                error={errors.password}
                aria-describedby={rulesId}
                required
              />
              {problems.length ? (
                <Banner tone="error">
                  <PasswordProblems problems={problems} />
                </Banner>
              ) : null}
              <PasswordRules id={rulesId} />
              <TextField
                label={t('forgot.confirm')}
                type="password"
                name="confirm-password"
                autoComplete="new-password"
                value={confirm}
                onChange={(e) => setConfirm(e.target.value)}
                error={errors.confirm}
                required
              />
              <Button type="submit" variant="primary" busy={busy} busyLabel={t('forgot.submitting')}>
                {t('forgot.submit')}
              </Button>
            </form>
            <div className="sign-in__links">
              <button type="button" className="link-button" onClick={() => setStep('request')}>
                {t('forgot.resend')}
              </button>
            </div>
          </>
        )}
        <div className="sign-in__links">
          <button type="button" className="link-button" onClick={() => onBack(false)}>
            {t('forgot.back')}
          </button>
        </div>
      </div>
    </main>
  );
}
