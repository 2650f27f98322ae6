import { useState, type FormEvent } from 'react';
import type { SessionState } from '../../core/schemas.ts';
import { Banner } from '../components/Banner.tsx';
import { Button } from '../components/Button.tsx';
import { TextField } from '../components/TextField.tsx';
import { api, ApiFailure } from '../lib/api.ts';
import { useFocusHeading } from '../lib/use-focus-heading.ts';

const messages: Record<string, string> = {
  invalid_credentials: 'That email and password do not match an account.',
  offline: 'You are offline. Signing in needs a connection the first time; after that Lyceum works offline.',
  account_disabled: 'This account is disabled. Contact your administrator.',
  account_locked: 'Too many failed attempts: this account is locked for a while. Try again later.',
  too_many_attempts: 'Too many attempts. Wait a minute and try again.',
};

export function SignIn({
  notice,
  onSignedIn,
}: {
  notice: SessionState['notice'];
  onSignedIn: (s: SessionState) => void;
}) {
  const heading = useFocusHeading<HTMLHeadingElement>('Sign in');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<{ email?: string; password?: string }>({});

  async function submit(e: FormEvent) {
    e.preventDefault();
    const problems: typeof fieldErrors = {};
    if (!/^\S+@\S+\.\S+$/.test(email.trim()))
      problems.email = 'Enter the email address of your account, like name@example.com.';
    if (!password) problems.password = 'Enter your password.';
    setFieldErrors(problems);
    if (problems.email || problems.password) return;
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.signIn({ email: email.trim(), password }));
    } catch (err) {
      setError(
        err instanceof ApiFailure ? (messages[err.code] ?? err.message) : 'Something went wrong. Try again.',
      );
      setBusy(false);
    }
  }

  return (
    <main id="main" className="sign-in">
      <div className="sign-in__panel">
        <h1 ref={heading} tabIndex={-1} className="sign-in__title">
          Sign in to Lyceum
        </h1>
        <p className="muted">
          Sign in once while online. Afterwards your saved courses open even without a connection.
        </p>
        {notice === 'session_expired' ? (
          <Banner tone="warning">Your session has ended. Please sign in again.</Banner>
        ) : null}
        {error ? <Banner tone="error">{error}</Banner> : null}
        <form onSubmit={submit} noValidate className="sign-in__form">
          <TextField
            label="Email"
            type="email"
            name="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={fieldErrors.email}
            required
          />
          <TextField
            label="Password"
            type="password"
            name="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={fieldErrors.password}
            required
          />
          <Button type="submit" variant="primary" busy={busy} busyLabel="Signing in…">
            Sign in
          </Button>
        </form>
      </div>
    </main>
  );
}
