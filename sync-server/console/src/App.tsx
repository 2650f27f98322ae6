import { useState } from 'react';
import type { AuthResponse } from '@lyceum/contracts';
import { client } from './api.ts';
import { Dashboard } from './dashboard/Dashboard.tsx';
import { SignIn } from './SignIn.tsx';

type Me = AuthResponse['user'];
const ME_KEY = 'lyceum.console.user';

function storedMe(): Me | null {
  try {
    const raw = sessionStorage.getItem(ME_KEY);
    return raw && client.transport.session ? (JSON.parse(raw) as Me) : null;
  } catch {
    return null;
  }
}

/** The admin console: sign in as an admin, then the live analytics dashboard. */
export function App() {
  const [me, setMe] = useState<Me | null>(storedMe);
  const signOut = async () => {
    await client.logout();
    sessionStorage.removeItem(ME_KEY);
    setMe(null);
  };
  if (!me)
    return (
      <SignIn
        onSignedIn={(user) => {
          sessionStorage.setItem(ME_KEY, JSON.stringify(user));
          setMe(user);
        }}
      />
    );
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">Lyceum admin</span>
        <nav aria-label="Console">
          <a href="/admin/" aria-current="page">
            Analytics
          </a>
          <a href="/api/docs/">API docs</a>
        </nav>
        <span className="who">
          {me.name} <span className="muted">({me.role})</span>
          <button type="button" className="button ghost" onClick={() => void signOut()}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main">
        <Dashboard onSignedOut={() => void signOut()} />
      </main>
    </div>
  );
}
