import type { User } from '@lyceum/contracts';
import type { Connectivity } from '../../contracts/app.ts';
import { ConnectivityIndicator } from './ConnectivityIndicator.tsx';
import { Link } from './Link.tsx';
import { SignOutButton } from './SignOutButton.tsx';
import { SyncIndicator } from './SyncIndicator.tsx';
import { NotificationBell } from './NotificationBell.tsx';
import { useT } from '../i18n/use-t.ts';

export function Header({
  user,
  status,
  onSignOut,
  signingOut,
  offlineSignIn = false,
}: {
  user: User | null;
  status: Connectivity | null;
  onSignOut?: () => void;
  signingOut?: boolean;
  /** This device can sign the user in again without a connection (said in the offline sign-out warning). */
  offlineSignIn?: boolean;
}) {
  const t = useT();
  return (
    <header className="app-header">
      <Link href="/" className="app-header__brand">
        <span className="app-header__logo" aria-hidden="true">
          Λ
        </span>
        Lyceum
      </Link>
      {user ? (
        <nav className="app-nav" aria-label={t('nav.label')}>
          <Link href="/">{t('nav.catalog')}</Link>
          <Link href="/learning">{t('nav.learning')}</Link>
          {user.role !== 'student' ? <Link href="/teach">{t('nav.teach')}</Link> : null}
          <Link href="/preferences">{t('nav.preferences')}</Link>
        </nav>
      ) : null}
      <ConnectivityIndicator status={status} />
      {user ? <SyncIndicator /> : null}
      {user ? <NotificationBell /> : null}
      {user ? (
        <div className="app-header__user">
          <span className="app-header__avatar" aria-hidden="true">
            {user.name.slice(0, 1).toUpperCase()}
          </span>
          <span className="app-header__name">
            <span className="visually-hidden">{t('header.signedInAs')}</span>
            {user.name}
          </span>
          {onSignOut ? (
            <SignOutButton
              offline={status !== null && !status.online}
              offlineSignIn={offlineSignIn}
              busy={signingOut}
              onSignOut={onSignOut}
            />
          ) : null}
        </div>
      ) : null}
    </header>
  );
}
