import { useState, type FormEvent } from 'react';
import type { AuthResponse } from '@lyceum/contracts';
import { client, describeError } from './api.ts';
import { useT } from './i18n/catalogues.ts';
import { LanguagePicker } from './i18n/I18n.tsx';

/** Admin sign-in. Other roles are told plainly that the console is for admins. */
export function SignIn(p: { onSignedIn: (user: AuthResponse['user']) => void }) {
  const t = useT();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const auth = await client.login(email, password);
      if (auth.user.role !== 'admin') {
        await client.logout();
        setError(t('signin.notAdmin'));
        return;
      }
      p.onSignedIn(auth.user);
    } catch (err) {
      setError(describeError(err, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="signin" id="main">
      <form onSubmit={(e) => void submit(e)} aria-labelledby="signin-title" noValidate>
        <h1 id="signin-title">{t('signin.title')}</h1>
        <p className="muted">{t('signin.intro')}</p>
        <label>
          {t('signin.email')}
          <input
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          {t('signin.password')}
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="button primary" disabled={busy || !email || !password}>
          {busy ? t('signin.submitting') : t('signin.submit')}
        </button>
      </form>
      <LanguagePicker />
    </main>
  );
}
