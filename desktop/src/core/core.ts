import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalApi } from './api/server.ts';
import { localRoutes, type AppInfo } from './api/routes.ts';
import type { DesktopConfig } from './config.ts';
import { fileKeySecretBox, type SecretBox } from './secret-box.ts';
import { serverConnection } from './server/connection.ts';
import { createDownloads, type DownloadTuning } from './downloads/index.ts';
import { catalogService } from './services/catalog.ts';
import { connectivityMonitor } from './services/connectivity.ts';
import { learningService } from './services/learning.ts';
import { ratingService } from './services/ratings.ts';
import { teachingService, type TeachingTuning } from './services/teaching.ts';
import { teachRoutes } from './api/teach-routes.ts';
import { authoringRoutes } from './api/authoring-routes.ts';
import { authoringService } from './authoring/service.ts';
import { sessionService } from './services/session.ts';
import { offlineSignIn } from './services/offline-sign-in.ts';
import { accountService } from './services/account.ts';
import { accountRoutes } from './api/account-routes.ts';
import { offlineVerifierRepo } from './store/offline-verifiers.ts';
import { accountData } from './sync/account-data.ts';
import { syncEngine, type SyncEngineOptions } from './sync/engine.ts';
import { syncTransport } from './sync/transport.ts';
import { learningRoutes } from './api/learning-routes.ts';
import { ratingRoutes } from './api/rating-routes.ts';
import { contentRoutes } from './api/content-routes.ts';
import { analyticsRoutes } from './api/analytics-routes.ts';
import { lessonSearchRoutes } from './api/lesson-search-routes.ts';
import { lessonSearchService } from './services/lesson-search.ts';
import { previewRoutes } from './api/preview-routes.ts';
import { previewService } from './services/preview.ts';
import { paymentsService } from './payments/service.ts';
import { paymentRoutes } from './api/payment-routes.ts';
import { earningsRoutes } from './api/earnings-routes.ts';
import { teachingEarnings } from './payments/earnings.ts';
import { CoreError } from './errors.ts';
import { notificationsService } from './notifications/service.ts';
import { notificationRoutes } from './api/notification-routes.ts';
import { notificationsOnline } from './notifications/online.ts';
import { wantsDeviceAlert } from './notifications/preferences.ts';
import { createAnalytics, type AnalyticsDeps } from './analytics/index.ts';
import { catalogCache } from './store/catalog-cache.ts';
import { identityRepo } from './store/identity.ts';
import { openStore } from './store/open.ts';
import { settingsRepo } from './store/settings.ts';

export interface CoreOptions {
  config: DesktopConfig;
  /** How tokens are sealed at rest; default: AES-256-GCM with a key file in the data dir (web mode). */
  secretBox?: SecretBox;
  /** The built renderer; default desktop/dist/renderer next to this source tree or bundle. */
  rendererDir?: string | null;
  mode?: AppInfo['mode'];
  version?: string;
  /** The per-launch secret; default 32 random bytes. */
  secret?: string;
  onError?: (err: unknown) => void;
  /** Uploads from the Teach screens (tests: small chunks, quick polling). */
  teaching?: TeachingTuning;
  /** Download manager tuning (tests); `autoStart: false` leaves queued downloads alone until `downloads.start()`. */
  downloads?: DownloadTuning & { autoStart?: boolean };
  /** Analytics upload tuning (tests); `autoStart: false` leaves the timers off (call core.analytics.uploader.uploadNow()). */
  analytics?: AnalyticsDeps['tuning'];
  /** The device clock of analytics statements (tests); default the system clock. */
  clock?: () => Date;
  /** Sync engine tuning (tests); `autoStart: false` leaves the triggers off (call core.sync.syncNow()). */
  sync?: Partial<
    Pick<
      SyncEngineOptions,
      'intervalMs' | 'offlinePingMs' | 'debounceMs' | 'socket' | 'pushBatch' | 'pullLimit'
    >
  > & {
    autoStart?: boolean;
  };
}

/** desktop/dist/renderer, from src/core (tsx) or from dist/main (the Electron bundle). */
export function defaultRendererDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../../dist/renderer'), path.resolve(here, '../renderer')];
  return candidates.find((d) => fs.existsSync(path.join(d, 'index.html'))) ?? candidates[0]!;
}

/**
 * Composition root of the desktop core: local store → server client → services → local API.
 * Runs in the Electron main process or alone under Node (web mode).
 */
export async function startCore(opts: CoreOptions) {
  const { config } = opts;
  fs.mkdirSync(config.dataDir, { recursive: true });
  const store = openStore(path.join(config.dataDir, 'lyceum.db'));
  try {
    const box = opts.secretBox ?? fileKeySecretBox(config.dataDir);
    const settings = settingsRepo(store.db);
    // The monitor is created before the client that reports to it; the probe closes over the client.
    const probe = { run: (): Promise<unknown> => Promise.resolve() };
    const connectivity = connectivityMonitor({
      serverUrl: config.serverUrl,
      settings,
      probe: () => probe.run(),
    });
    const server = serverConnection({
      baseUrl: config.serverUrl,
      timeoutMs: config.requestTimeoutMs,
      onContact: (ok, error) => connectivity.record(ok, error),
    });
    probe.run = () => server.health(2000);
    const cache = catalogCache(store.db);
    const identity = identityRepo(store.db, box);
    const account = accountData({ db: store.db, cache, settings });
    const offline = offlineSignIn({ verifiers: offlineVerifierRepo(store.db, box) });
    const session = sessionService({ client: server, identity, account, connectivity, offline });
    const catalog = catalogService({ db: store.db, client: server, cache, session, connectivity });
    const transport = syncTransport(server, session);
    const ratings = ratingService({ client: server, session });
    const sync = syncEngine({
      db: store.db,
      cache,
      account,
      session,
      connectivity,
      transport,
      serverUrl: config.serverUrl,
      onError: opts.onError,
      ...opts.sync,
    });
    const downloads = createDownloads({
      db: store.db,
      dataDir: config.dataDir,
      client: server,
      session,
      transport,
      settings,
      tuning: opts.downloads,
      onError: opts.onError,
    });
    // Another account signed in: the previous one's offline files leave the device with its offline copies.
    account.onAccountSwitch(() => {
      for (const c of downloads.courses())
        void downloads.remove(c.courseId).catch((err) => opts.onError?.(err));
    });
    const analytics = createAnalytics({
      db: store.db,
      client: server,
      session,
      connectivity,
      settings,
      prepareUser: () => sync.prepare(),
      clock: opts.clock,
      onError: opts.onError,
      tuning: opts.analytics,
    });
    const learning = learningService({
      db: store.db,
      cache,
      sync,
      transport,
      connectivity,
      downloads,
      recorder: analytics.recorder,
    });
    const teaching = teachingService({
      dataDir: config.dataDir,
      client: server,
      session,
      tuning: opts.teaching,
      onError: opts.onError,
      draftLesson: (courseId, lessonId) => authoring.draftLesson(courseId, lessonId),
    });
    const authoring = authoringService({
      db: store.db,
      sync,
      uploads: {
        list: () => teaching.uploads().items,
        retry: (id) => teaching.retry(id),
        dismiss: (id) => teaching.dismiss(id),
      },
    });
    const payments = paymentsService({
      db: store.db,
      client: server,
      session,
      connectivity,
      sync,
      cache,
      // A refunded course's structure left with the pull: its offline copy goes without reading it again.
      removeOfflineCopy: (courseId) =>
        learning
          .setOffline(courseId, false)
          .then(() => undefined)
          .catch((err: unknown) => {
            if (!(err instanceof CoreError && err.code === 'not_cached')) throw err;
          }),
      onError: opts.onError,
    });
    const notifications = notificationsService({
      db: store.db,
      settings,
      sync,
      wants: (userId) => (courseId) => wantsDeviceAlert(settings, userId, 'deadline_upcoming', courseId),
      markRead: (body) => void sync.record({ name: 'markNotificationsRead', args: body }),
    });
    // Offline copies requested while offline (or that failed) continue after each successful sync.
    sync.onChange(() => {
      void payments.afterSync().catch((err: unknown) => opts.onError?.(err));
      const ok = sync.status().lastError === null && connectivity.snapshot().online;
      if (ok) void learning.resumeDownloads().catch(() => undefined);
      // Graded quiz results that arrived are recorded; the analytics queue goes up after a sync that reached the server.
      analytics.afterSync(ok);
    });
    // A pulled change to a course kept offline (its structure, a lesson's files): its new content downloads.
    sync.onCoursesChanged((ids) => void learning.contentChanged(ids).catch(() => undefined));
    const secret = opts.secret ?? randomBytes(32).toString('base64url');
    const app: AppInfo = {
      name: 'Lyceum',
      version: opts.version ?? '0.1.0',
      mode: opts.mode ?? 'web',
      serverUrl: config.serverUrl,
    };
    const api = await startLocalApi({
      port: config.port,
      secret,
      routes: [
        ...localRoutes({
          session,
          catalog,
          connectivity,
          app,
          onSignedIn: () => {
            void sync.syncNow();
            void payments.refreshVerifiers();
          },
        }),
        ...accountRoutes({
          account: accountService({ client: server, session }),
          onSignedIn: () => void sync.syncNow(),
        }),
        ...learningRoutes({ learning, sync }),
        ...ratingRoutes({ ratings }),
        ...paymentRoutes({ payments }),
        ...teachRoutes({ teaching }),
        ...authoringRoutes({ authoring }),
        ...earningsRoutes({
          earnings: teachingEarnings({ client: server, session, settings, clock: opts.clock }),
        }),
        ...notificationRoutes({
          notifications,
          online: notificationsOnline({ client: server, session, settings, userId: () => sync.prepare() }),
        }),
        ...contentRoutes({ learning, downloads }),
        ...previewRoutes({ preview: previewService({ catalog, media: downloads.media }) }),
        ...analyticsRoutes({ learning, insights: analytics.insights }),
        ...lessonSearchRoutes({
          lessons: lessonSearchService({ db: store.db, prepareUser: () => sync.prepare() }),
        }),
      ],
      rendererDir: opts.rendererDir === undefined ? defaultRendererDir() : opts.rendererDir,
      onError: opts.onError,
    });
    // Find out early whether the server is there, so the first screen already knows.
    void connectivity.check(0);
    if (opts.sync?.autoStart !== false) sync.start();
    if (opts.downloads?.autoStart !== false) downloads.start();
    teaching.start();
    analytics.start();
    notifications.start();
    return {
      url: api.origin,
      launchUrl: api.launchUrl,
      port: api.port,
      secret,
      store,
      session,
      catalog,
      connectivity,
      server,
      sync,
      learning,
      ratings,
      payments,
      downloads,
      teaching,
      authoring,
      analytics,
      notifications,
      async close() {
        notifications.close();
        await analytics.close();
        await teaching.close();
        await downloads.close();
        await sync.stop();
        await api.close();
        store.close();
      },
    };
  } catch (err) {
    store.close();
    throw err;
  }
}
export type Core = Awaited<ReturnType<typeof startCore>>;
