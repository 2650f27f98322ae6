import { useId, useState, type FormEvent } from 'react';
import type { SessionState } from '../../core/schemas.ts';
import { Banner } from '../components/Banner.tsx';
import { Button } from '../components/Button.tsx';
import { PasswordProblems, PasswordRules } from '../components/PasswordRules.tsx';
import { TextField } from '../components/TextField.tsx';
import { useT } from '../i18n/use-t.ts';
import {
  accountApi,
  looksLikeEmail,
  fieldErrors as serverFieldErrors,
  passwordProblems,
} from '../lib/account-api.ts';
import { ApiFailure } from '../lib/api.ts';
import { useFocusHeading } from '../lib/use-focus-heading.ts';

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
  const heading = useFocusHeading<HTMLHeadingElement>(t('createAccount.title'));
  const rulesId = useId();
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
      const weak = passwordProblems(err);
      if (weak.length) {
        setProblems(weak);
        setErrors({ password: t('createAccount.error.weak') });
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
    <main id="main" className="sign-in">
      <div className="sign-in__panel">
        <h1 ref={heading} tabIndex={-1} className="sign-in__title">
          {t('createAccount.title')}
        </h1>
        <p className="muted">{t('createAccount.intro')}</p>
        {error ? <Banner tone="error">{error}</Banner> : null}
        <form onSubmit={submit} noValidate className="sign-in__form">
          <TextField
            label={t('createAccount.name')}
            name="name"
            autoComplete="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={errors.name}
            required
          />
          <TextField
            label={t('signIn.email')}
            type="email"
            name="email"
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={errors.email}
            required
          />
          <TextField
            label={t('signIn.password')}
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
          <Button type="submit" variant="primary" busy={busy} busyLabel={t('createAccount.submitting')}>
            {t('createAccount.submit')}
          </Button>
        </form>
        <div className="sign-in__links">
          <span>{t('createAccount.haveAccount')}</span>
          <button type="button" className="link-button" onClick={onBack}>
            {t('createAccount.back')}
          </button>
        </div>
      </div>
    </main>
  );
}
