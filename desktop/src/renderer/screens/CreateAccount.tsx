import { useState, type FormEvent } from 'react';
import type { SessionState } from '../../contracts/app.ts';
import { TextField } from '../components/TextField.tsx';
import { useT } from '../i18n/use-t.ts';
import { accountApi, looksLikeEmail, fieldErrors as serverFieldErrors } from '../lib/account-api.ts';
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

type Fields = { name?: string; email?: string; password?: string };

/** Create a student account (online): name, email and a password that meets the rules shown; signs the student in. */
export function CreateAccount({
  onSignedIn,
  onBack,
}: {
  onSignedIn: (s: SessionState) => void;
  onBack: () => void;
}) {
  const t = useT();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Fields>({});
  const [problems, setProblems] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const local: Fields = {};
    if (!name.trim()) local.name = t('createAccount.error.name');
    if (!looksLikeEmail(email)) local.email = t('signIn.error.emailInvalid');
    if (!password) local.password = t('signIn.error.passwordMissing');
    setErrors(local);
    setProblems([]);
    setError(null);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      onSignedIn(await accountApi.create({ name: name.trim(), email: email.trim(), password }));
    } catch (err) {
      setBusy(false);
      const weak = weakPassword(t, err);
      if (weak) {
        setProblems(weak.problems);
        setErrors({ password: weak.error });
        return;
      }
      if (err instanceof ApiFailure && err.code === 'email_taken') {
        setErrors({ email: t('createAccount.error.emailTaken') });
        return;
      }
      const fields = serverFieldErrors(err);
      if (Object.keys(fields).length) {
        setErrors({ name: fields.name, email: fields.email, password: fields.password });
        return;
      }
      if (err instanceof ApiFailure && err.code === 'offline') setError(t('createAccount.error.offline'));
      else if (err instanceof ApiFailure && err.code === 'too_many_attempts')
        setError(t('signIn.error.tooManyAttempts'));
      else setError(err instanceof ApiFailure ? err.message : t('signIn.error.generic'));
    }
  }

  return (
    <AccountPanel title={t('createAccount.title')}>
      <p className="muted">{t('createAccount.intro')}</p>
      <ErrorBanner error={error} />
      <AccountForm
        onSubmit={submit}
        busy={busy}
        busyLabel={t('createAccount.submitting')}
        submit={t('createAccount.submit')}
      >
        <TextField
          label={t('createAccount.name')}
          name="name"
          autoComplete="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={errors.name}
          required
        />
        <EmailField
          label={t('signIn.email')}
          autoComplete="email"
          value={email}
          onChange={setEmail}
          error={errors.email}
        />
        <NewPasswordField
          label={t('signIn.password')}
          value={password}
          onChange={setPassword}
          error={errors.password}
          problems={problems}
        />
      </AccountForm>
      <AccountLinks>
        <span>{t('createAccount.haveAccount')}</span>
        <LinkButton onClick={onBack}>{t('createAccount.back')}</LinkButton>
      </AccountLinks>
    </AccountPanel>
  );
}
