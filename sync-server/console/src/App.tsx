import { useState } from 'react';
import type { AuthResponse } from '@lyceum/contracts';
import { client } from './api.ts';
import { Dashboard } from './dashboard/Dashboard.tsx';
import { SignIn } from './SignIn.tsx';
import { useT, type MessageKey } from './i18n/catalogues.ts';
import { LanguagePicker } from './i18n/I18n.tsx';
import { NotificationsPage, notificationTabOf } from './notifications/NotificationsPage.tsx';
import { PaymentsPage } from './payments/PaymentsPage.tsx';
import { useRoute } from './payments/route.ts';

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
  const t = useT();
  const [me, setMe] = useState<Me | null>(storedMe);
  const route = useRoute();
  // #/notifications/<tab> (the payments' route reads it as analytics; hashchange re-renders through useRoute).
  const notificationTab = notificationTabOf(window.location.hash);
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
        <span className="brand">{t('console.brand')}</span>
        <nav aria-label={t('console.nav.label')}>
          <a href="#/" aria-current={route.section === 'analytics' && !notificationTab ? 'page' : undefined}>
            {t('console.nav.analytics')}
          </a>
          <a href="#/payments/orders" aria-current={route.section === 'payments' ? 'page' : undefined}>
            {t('console.nav.payments')}
          </a>
          <a href="#/notifications/announcements" aria-current={notificationTab ? 'page' : undefined}>
            {t('console.nav.notifications')}
          </a>
          <a href="/api/docs/">{t('console.nav.apiDocs')}</a>
        </nav>
        <LanguagePicker />
        <span className="who">
          {me.name} <span className="muted">({t(`console.role.${me.role}` as MessageKey)})</span>
          <button type="button" className="button ghost" onClick={() => void signOut()}>
            {t('console.signOut')}
          </button>
        </span>
      </header>
      <main id="main">
        {notificationTab ? (
          <NotificationsPage tab={notificationTab} />
        ) : route.section === 'payments' ? (
          <PaymentsPage tab={route.tab} id={route.id} />
        ) : (
          <Dashboard onSignedOut={() => void signOut()} />
        )}
      </main>
    </div>
  );
}
