import { useState, type FormEvent } from 'react';
import { Banner } from '../components/Banner.tsx';
import { TextField } from '../components/TextField.tsx';
import { useT } from '../i18n/use-t.ts';
import { accountApi, looksLikeEmail, fieldErrors } from '../lib/account-api.ts';
import { ApiFailure } from '../lib/api.ts';
import {
  AccountForm,
  AccountLinks,
  AccountPanel,
  EmailField,
  ErrorBanner,
  LinkButton,
  NewPasswordField,
  weakPassword,
} from './account/AccountForm.tsx';

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
      const weak = weakPassword(t, err);
      if (weak) {
        setProblems(weak.problems);
        setErrors({ password: weak.error });
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
    <AccountPanel title={t('forgot.title')} focusKey={step}>
      <ErrorBanner error={error} />
      {step === 'request' ? (
        <>
          <p className="muted">{t('forgot.intro')}</p>
          <AccountForm
            onSubmit={request}
            busy={busy}
            busyLabel={t('forgot.sending')}
            submit={t('forgot.send')}
          >
            <EmailField
              label={t('signIn.email')}
              autoComplete="username"
              value={email}
              onChange={setEmail}
              error={errors.email}
            />
          </AccountForm>
          <AccountLinks>
            <LinkButton onClick={() => setStep('code')}>{t('forgot.haveCode')}</LinkButton>
          </AccountLinks>
        </>
      ) : (
        <>
          {sentTo ? <Banner tone="success">{t('forgot.sent', { email: sentTo })}</Banner> : null}
          <AccountForm
            onSubmit={confirmReset}
            busy={busy}
            busyLabel={t('forgot.submitting')}
            submit={t('forgot.submit')}
          >
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
            <NewPasswordField
              label={t('forgot.newPassword')}
              value={password}
              onChange={setPassword}
              error={errors.password}
              problems={problems}
            />
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
          </AccountForm>
          <AccountLinks>
            <LinkButton onClick={() => setStep('request')}>{t('forgot.resend')}</LinkButton>
          </AccountLinks>
        </>
      )}
      <AccountLinks>
        <LinkButton onClick={() => onBack(false)}>{t('forgot.back')}</LinkButton>
      </AccountLinks>
    </AccountPanel>
  );
}
