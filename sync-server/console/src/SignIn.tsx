import { useState, type FormEvent } from 'react';
import type { AuthResponse } from '@lyceum/contracts';
import { client, describeError } from './api.ts';

/** Admin sign-in. Other roles are told plainly that the console is for admins. */
export function SignIn(p: { onSignedIn: (user: AuthResponse['user']) => void }) {
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
        setError(
          'This console is for administrators. Instructors find their course insights in the desktop app.',
        );
        return;
      }
      p.onSignedIn(auth.user);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="signin" id="main">
      <form onSubmit={(e) => void submit(e)} aria-labelledby="signin-title" noValidate>
        <h1 id="signin-title">Lyceum admin</h1>
        <p className="muted">Sign in with an administrator account.</p>
        <label>
          Email
          <input
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          Password
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
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
