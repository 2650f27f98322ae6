import { useCallback, useEffect, useState } from 'react';
import type { SessionState } from '../contracts/app.ts';
import { Banner } from './components/Banner.tsx';
import { Header } from './components/Header.tsx';
import { Spinner } from './components/Spinner.tsx';
import { api, ApiFailure } from './lib/api.ts';
import { ConnectivityProvider, useConnectivity } from './lib/connectivity.tsx';
import { parseRoute, useLocation } from './lib/router.ts';
import { Catalog } from './screens/catalog/Catalog.tsx';
import { CourseDetail } from './screens/CourseDetail.tsx';
import { PreviewLesson } from './screens/course/PreviewLesson.tsx';
import { LaunchRequired } from './screens/LaunchRequired.tsx';
import { NotFound } from './screens/NotFound.tsx';
import { SignIn } from './screens/SignIn.tsx';
import { SyncSignIn } from './components/SyncSignIn.tsx';
import { Lesson } from './screens/learning/Lesson.tsx';
import { MyLearning } from './screens/learning/MyLearning.tsx';
import { StudyCourse } from './screens/learning/StudyCourse.tsx';
import { Preferences } from './screens/Preferences.tsx';
import { MyPurchases } from './screens/purchases/MyPurchases.tsx';
import { TeachCourse } from './screens/teach/TeachCourse.tsx';
import { TeachCourses } from './screens/teach/TeachCourses.tsx';
import { Earnings } from './screens/teach/earnings/Earnings.tsx';
import { CourseEditor } from './screens/teach/editor/CourseEditor.tsx';
import { NewCourse } from './screens/teach/editor/NewCourse.tsx';
import { Inbox } from './screens/notifications/Inbox.tsx';
import { Upcoming } from './screens/notifications/Upcoming.tsx';
import { NotificationSettings } from './screens/notifications/NotificationSettings.tsx';
import { NotificationsProvider } from './lib/notifications.tsx';
import { SyncProvider, useSync } from './lib/sync.tsx';
import { useNetworkReport } from './lib/network-report.ts';
import { I18nProvider, useLocaleSettings } from './i18n/I18n.tsx';
import { useT } from './i18n/use-t.ts';

type Boot =
  | { status: 'loading' }
  | { status: 'ready'; session: SessionState }
  | { status: 'launch' }
  | { status: 'error'; message: string };

function Shell() {
  const [boot, setBoot] = useState<Boot>({ status: 'loading' });
  const [signingOut, setSigningOut] = useState(false);
  const { status } = useConnectivity();
  const loc = useLocation();
  // Offline copies' updates may wait for Wi-Fi: the core learns what kind of connection this is.
  useNetworkReport();
  const t = useT();
  const { reload: reloadLocale, apply: applyLocale } = useLocaleSettings();
  const signedIn = boot.status === 'ready' && boot.session.signedIn;
  const signedOut = boot.status === 'ready' && !boot.session.signedIn;
  // A student who just signed in gets their own language and time zone at once; signed out, the screens follow
  // this device (its language picker on the sign-in screen, else the system).
  useEffect(() => {
    if (signedIn) reloadLocale();
    else if (signedOut) applyLocale({ locale: 'system', timezone: 'system' });
  }, [signedIn, signedOut, reloadLocale, applyLocale]);

  const load = useCallback(() => {
    api.session().then(
      (session) => setBoot({ status: 'ready', session }),
      (err: unknown) => {
        if (err instanceof ApiFailure && err.code === 'launch_secret_required') setBoot({ status: 'launch' });
        else setBoot({ status: 'error', message: err instanceof Error ? err.message : String(err) });
      },
    );
  }, []);
  useEffect(load, [load]);
  // The session can end while the window is in the background (refresh token refused): check again on focus.
  useEffect(() => {
    addEventListener('focus', load);
    return () => removeEventListener('focus', load);
  }, [load]);
  // The core ended the session while the app was open (e.g. the password was reset elsewhere): show the sign-in.
  const { status: syncStatus } = useSync();
  const coreSignedOut = signedIn && syncStatus !== null && !syncStatus.signedIn;
  useEffect(() => {
    if (coreSignedOut) load();
  }, [coreSignedOut, load]);

  const signOut = async () => {
    setSigningOut(true);
    try {
      setBoot({ status: 'ready', session: await api.signOut() });
    } finally {
      setSigningOut(false);
    }
  };

  if (boot.status === 'loading') {
    return (
      <main id="main" className="boot">
        <Spinner label={t('app.starting')} />
      </main>
    );
  }
  if (boot.status === 'launch') return <LaunchRequired />;
  if (boot.status === 'error') {
    return (
      <main id="main" className="boot">
        <Banner tone="error">{boot.message}</Banner>
      </main>
    );
  }

  const { session } = boot;
  const route = parseRoute(loc.pathname);
  return (
    <>
      <a href="#main" className="skip-link">
        {t('app.skipToContent')}
      </a>
      <Header
        user={session.user}
        status={status ?? session.connectivity}
        onSignOut={session.signedIn ? signOut : undefined}
        signingOut={signingOut}
        offlineSignIn={session.offlineSignIn}
      />
      {session.signedIn && session.syncSignInRequired ? (
        <SyncSignIn
          session={session}
          online={(status ?? session.connectivity).online}
          onSignedIn={(s) => setBoot({ status: 'ready', session: s })}
        />
      ) : null}
      {!session.signedIn || !session.user ? (
        <SignIn notice={session.notice} onSignedIn={(s) => setBoot({ status: 'ready', session: s })} />
      ) : route.name === 'catalog' ? (
        <Catalog search={loc.search} />
      ) : route.name === 'course' ? (
        <CourseDetail id={route.id} />
      ) : route.name === 'preview' ? (
        <PreviewLesson courseId={route.id} lessonId={route.lessonId} />
      ) : route.name === 'learning' ? (
        <MyLearning />
      ) : route.name === 'study' ? (
        <StudyCourse id={route.id} />
      ) : route.name === 'lesson' ? (
        <Lesson courseId={route.id} lessonId={route.lessonId} />
      ) : route.name === 'preferences' ? (
        <Preferences />
      ) : route.name === 'purchases' ? (
        <MyPurchases />
      ) : route.name === 'teach' ? (
        <TeachCourses />
      ) : route.name === 'teach-course' ? (
        <TeachCourse id={route.id} />
      ) : route.name === 'teach-earnings' ? (
        <Earnings />
      ) : route.name === 'teach-new' ? (
        <NewCourse />
      ) : route.name === 'teach-edit' ? (
        <CourseEditor key={route.id} courseId={route.id} />
      ) : route.name === 'notifications' ? (
        <Inbox />
      ) : route.name === 'upcoming' ? (
        <Upcoming />
      ) : route.name === 'notification-settings' ? (
        <NotificationSettings />
      ) : (
        <NotFound />
      )}
    </>
  );
}

export function App() {
  return (
    <ConnectivityProvider>
      <SyncProvider>
        <I18nProvider>
          <NotificationsProvider>
            <Shell />
          </NotificationsProvider>
        </I18nProvider>
      </SyncProvider>
    </ConnectivityProvider>
  );
}
