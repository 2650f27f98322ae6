import type { User } from '@lyceum/contracts';
import type { Connectivity } from '../../core/schemas.ts';
import { Button } from './Button.tsx';
import { ConnectivityIndicator } from './ConnectivityIndicator.tsx';
import { Link } from './Link.tsx';
import { SyncIndicator } from './SyncIndicator.tsx';

export function Header({
  user,
  status,
  onSignOut,
  signingOut,
}: {
  user: User | null;
  status: Connectivity | null;
  onSignOut?: () => void;
  signingOut?: boolean;
}) {
  return (
    <header className="app-header">
      <Link href="/" className="app-header__brand">
        <span className="app-header__logo" aria-hidden="true">
          Λ
        </span>
        Lyceum
      </Link>
      {user ? (
        <nav className="app-nav" aria-label="Main">
          <Link href="/">Catalog</Link>
          <Link href="/learning">My Learning</Link>
          {user.role !== 'student' ? <Link href="/teach">Teach</Link> : null}
          <Link href="/preferences">Preferences</Link>
        </nav>
      ) : null}
      <ConnectivityIndicator status={status} />
      {user ? <SyncIndicator /> : null}
      {user ? (
        <div className="app-header__user">
          <span className="app-header__avatar" aria-hidden="true">
            {user.name.slice(0, 1).toUpperCase()}
          </span>
          <span className="app-header__name">
            <span className="visually-hidden">Signed in as </span>
            {user.name}
          </span>
          {onSignOut ? (
            <Button variant="ghost" onClick={onSignOut} busy={signingOut} busyLabel="Signing out…">
              Sign out
            </Button>
          ) : null}
        </div>
      ) : null}
    </header>
  );
}
