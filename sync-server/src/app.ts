import http from 'node:http';
import express from 'express';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { connectDatabase, type Database } from './db/client.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.ts';
import { migrate } from './db/migrate.ts';
import { createHttpApp } from './http/app.ts';
import { answerClientErrors } from './http/client-error.ts';
import { connectCluster } from './runtime/cluster.ts';
import { fileMailer, smtpMailer, type Mailer } from './lib/mailer.ts';
import { persistentSecret } from './lib/secrets.ts';
import type { ModuleDeps } from './modules/deps.ts';
import { createIdentityModule } from './modules/identity/index.ts';
import { createCatalogModule } from './modules/catalog/index.ts';
import { createEnrollmentModule } from './modules/enrollment/index.ts';
import { createProgressModule } from './modules/progress/index.ts';
import { createSyncModule } from './modules/sync/index.ts';
import { createPaymentOffers } from './modules/payments/offers.ts';
import { createPaymentsModule, WEBHOOK_PATH } from './modules/payments/index.ts';
import { paymentAdminRoutes } from './modules/payments/admin-routes.ts';
import { withFunnelEvents } from './modules/payments/funnel-events.ts';
import { createContentModule } from './modules/content/index.ts';
import { createMediaModule } from './modules/media/index.ts';
import { createNotificationsModule } from './modules/notifications/index.ts';
import { createScheduleModule } from './modules/notifications/schedule/index.ts';
import { createMetrics } from './lib/metrics.ts';
import { consoleRouter } from './http/console.ts';
import { createAnalyticsModule } from './modules/analytics/index.ts';
import { createLrsModule } from './modules/lrs/index.ts';
import { startCollectorSources, type CollectorSources } from './modules/analytics/collector/sources/index.ts';
import { Server } from 'socket.io';
import { attachSocketGateway, type SocketGateway } from './http/socket.ts';
import { createLogger, logSettings } from './runtime/logger.ts';

export interface ServerOptions {
  config: Config;
  logger?: Logger;
  mailer?: Mailer;
  /** Check every response body against its schema (on in tests). */
  validateResponses?: boolean;
}

export type LyceumServer = Awaited<ReturnType<typeof createServer>>;

/** Composition root: config → adapters (database, mail) → modules → HTTP. */
export async function createServer(opts: ServerOptions) {
  const { config } = opts;
  const logger = opts.logger ?? createLogger(logSettings(config));
  let embedded: EmbeddedDatabase | null = null;
  let url = config.DATABASE_URL;
  if (!url) {
    logger.info({ dir: path.join(config.dataDir, 'postgres') }, 'starting embedded PostgreSQL');
    embedded = await startEmbeddedPostgres(path.join(config.dataDir, 'postgres'), undefined, {
      crashed: (how) => logger.error({ how }, 'embedded PostgreSQL stopped unexpectedly; restarting it'),
      restarted: (ms) => logger.warn({ ms }, 'embedded PostgreSQL restarted after a crash'),
      restartFailed: (err, attempt) =>
        logger.warn({ err, attempt }, 'embedded PostgreSQL did not start yet; trying again'),
    });
    url = embedded.url;
  }
  let database: Database;
  try {
    database = connectDatabase(url, config.DB_POOL_SIZE);
    const applied = await migrate(database.pool);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  const jwtSecret = config.JWT_SECRET ?? (await persistentSecret(config.dataDir, 'jwt-secret'));
  const publicUrl = config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`;
  const mailer =
    opts.mailer ??
    (config.SMTP_URL
      ? smtpMailer(config.SMTP_URL, config.MAIL_FROM)
      : fileMailer(path.join(config.dataDir, 'mail'), config.MAIL_FROM));
  const metrics = createMetrics({ service: 'sync-server' });
  // What several API nodes share: socket.io rooms, revocations, rate limits (Redis with REDIS_URL, else PostgreSQL).
  const cluster = await connectCluster(config, database.pool, url, logger);
  const deps: ModuleDeps = { config, db: database.db, pool: database.pool, logger, mailer };

  // --- modules (each owns its tables; they meet only through the services passed here) ---
  const identity = createIdentityModule({
    ...deps,
    jwtSecret,
    publicUrl,
    limits: cluster.limits,
    bus: cluster.bus,
    onProfileChanged: (userId) => catalog.service.instructorRenamed(userId),
  });
  await identity.revocations.listen();
  const catalog = createCatalogModule({
    ...deps,
    users: identity.accounts,
    isEnrolled: (courseId, userId) => enrollment.isEnrolled(courseId, userId),
    countEnrollments: (courseId) => enrollment.countEnrollments(courseId),
  });
  const enrollment = createEnrollmentModule({
    ...deps,
    catalog: catalog.reader,
    users: identity.accounts,
    progress: () => progress.summaries,
  });
  const progress = createProgressModule({
    ...deps,
    catalog: catalog.reader,
    users: identity.accounts,
    enrollment,
    // grade_posted (notifications are composed later; called only once requests flow).
    onGraded: (conn, userId, attempts) => notifications.gradesPosted(conn, userId, attempts),
  });
  const offers = createPaymentOffers({
    ...deps,
    catalog: catalog.reader,
    users: identity.accounts,
    progress: () => progress.summaries,
    // The payments core's active gateway (composed just below; read when a refund is asked).
    gateway: () => payments.gateway,
  });
  const payments = await createPaymentsModule({
    ...deps,
    catalog: catalog.reader,
    users: identity.accounts,
    publicUrl,
    pokeDevices: () => sync.sequencer.kick(),
    applyGatewayRefund: offers.applyGatewayRefund,
    onPaid: offers.sendReceipt,
  });
  const sync = createSyncModule({
    ...deps,
    modules: {
      identity,
      catalog,
      enrollment,
      progress,
      vouchers: offers.vouchers,
      // Composed below; read when a pull or push needs it.
      notifications: {
        get inbox() {
          return notifications.inbox;
        },
      },
    },
  });
  const content = await createContentModule({
    ...deps,
    catalog,
    onVideoUploaded: async (asset) => {
      const [row] = await content.assets.byIds([asset.id]);
      await media.onVideoUploaded({
        assetId: asset.id,
        sourceKey: asset.storageKey,
        uploaderId: row?.createdBy ?? null,
      });
    },
  });
  const media = createMediaModule({
    ...deps,
    storage: content.storage,
    emit: (userId, event, payload) => void socketIo()?.to(`user:${userId}`).emit(event, payload),
    onPackaged: async ({ assetId, status, error }) => {
      if (status === 'succeeded') await content.assets.markReady(assetId);
      else await content.assets.markFailed(assetId, error ?? 'Packaging failed');
    },
  });
  // The processor (stream consumer + store) gets its own few connections, so a burst of uploads queueing on the
  // main pool cannot starve it (bench:ingest measured commits every ~3 s under load when they shared one pool).
  const processorDatabase = connectDatabase(url, 4);
  const analytics = createAnalyticsModule({
    ...deps,
    processorPool: processorDatabase.pool,
    databaseUrl: url,
    metrics,
    catalog: catalog.reader,
    userNames: async (ids) => {
      const users = await Promise.all(ids.map((id) => identity.accounts.findById(id)));
      return new Map(users.filter((u) => u !== undefined).map((u) => [u.id, u.name]));
    },
    emit: (rooms, event, payload) => void socketIo()?.to(rooms).emit(event, payload),
  });
  // The xAPI Learning Record Store; what the analytics pipeline understands goes on to its collector.
  const lrs = createLrsModule({
    pool: database.pool,
    collector: analytics.collector,
    storage: content.storage,
    homePage: () => publicUrl,
    // A voided statement's contribution leaves every analytics figure.
    onVoided: (ids) => analytics.voiding.correct(ids),
  });
  let listeningUrl: string | null = null;
  const notifications = createNotificationsModule({
    ...deps,
    emit: (rooms, event, payload) => void socketIo()?.to(rooms).emit(event, payload),
    catalog: catalog.reader,
    secret: jwtSecret,
    publicUrl: () => config.PUBLIC_URL ?? listeningUrl ?? publicUrl,
    scheduleAnnouncement: (id, sendAt) => schedule.scheduleAnnouncement(database.db, id, sendAt),
    // Bulk notification mail shares a few kept-open SMTP connections.
    ...(config.SMTP_URL && !opts.mailer
      ? { notificationMailer: smtpMailer(config.SMTP_URL, config.MAIL_FROM, { maxConnections: 32 }) }
      : {}),
  });
  // The job scheduler gets a few connections of its own (it keeps one for LISTEN); none are opened while it is off.
  const schedulerDatabase = connectDatabase(url, 4);
  const schedule = createScheduleModule({
    pool: database.pool,
    db: database.db,
    workerPool: schedulerDatabase.pool,
    logger,
    secret: jwtSecret,
    publicUrl,
    pollIntervalMs: config.SCHEDULER_POLL_MS,
    hooks: () => notifications.hooks,
    periodic: [{ task: 'content_retention', match: '23 * * * *', run: () => content.retention.run() }],
  });
  // --- end modules ---

  const routes = withFunnelEvents(
    [
      ...identity.routes,
      ...catalog.routes,
      ...enrollment.routes,
      ...progress.routes,
      ...sync.routes,
      ...content.routes,
      ...analytics.routes,
      ...lrs.routes,
      ...offers.routes,
      ...payments.routes,
      ...notifications.routes,
      ...schedule.routes,
      ...paymentAdminRoutes({ db: database.db, pool: database.pool }),
    ],
    database.db,
    logger,
  );
  const app = createHttpApp({
    routes,
    auth: identity.authenticator,
    logger,
    corsOrigins: config.CORS_ORIGINS,
    trustProxy: config.TRUST_PROXY,
    limits: cluster.limits,
    validateResponses: opts.validateResponses ?? false,
    // The payment webhook's signature is over the raw body; the sandbox's hosted pages post forms.
    bodyParsers: [
      { path: WEBHOOK_PATH, parser: express.raw({ type: () => true, limit: '1mb' }) },
      { path: '/sandbox', parser: express.urlencoded({ extended: false, limit: '16kb' }) },
      // xAPI statements with attachments (multipart/mixed), parsed by the LRS.
      { path: '/xapi/statements', parser: express.raw({ type: 'multipart/*', limit: '20mb' }) },
    ],
    earlyMounts: [
      content.delivery,
      ...lrs.earlyMounts,
      ...analytics.collector.earlyMounts,
      ...payments.earlyMounts,
    ],
    mounts: [
      { path: '/admin', router: consoleRouter() },
      { path: '/reset-password', router: identity.resetPage },
    ],
    metrics: { metrics, token: config.METRICS_TOKEN },
    ready: async () => {
      await database.pool.query('SELECT 1');
      return true;
    },
  });

  let server: http.Server | null = null;
  let gateway: SocketGateway | null = null;
  // In a process that serves no clients (the processor), socket.io without an HTTP server: with the Redis adapter,
  // what it emits reaches the clients of every API node.
  let detachedIo: Server | null = null;
  const socketIo = () => gateway?.io ?? detachedIo;
  let closing: Promise<void> | null = null;
  let sources: CollectorSources | null = null;
  return {
    app,
    config,
    logger,
    database,
    metrics,
    routes,
    identity,
    catalog,
    enrollment,
    progress,
    sync,
    content,
    media,
    analytics,
    offers,
    payments,
    notifications,
    schedule,
    collector: analytics.collector,
    lrs,
    /** Emit to the API nodes' clients without serving any (the processor's `analytics:changed`); needs REDIS_URL. */
    async emitThroughCluster(): Promise<boolean> {
      const adapter = await cluster.socketAdapter();
      if (adapter) detachedIo ??= new Server({ adapter });
      return detachedIo !== null;
    },
    /** The socket.io gateway, once listening. */
    get sockets() {
      return gateway;
    },
    /** Start listening; resolves with the base URL. */
    async listen(port = config.PORT, host = config.HOST): Promise<string> {
      server = http.createServer(app);
      server.keepAliveTimeout = 65_000;
      answerClientErrors(server);
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, host, () => resolve());
      });
      gateway = attachSocketGateway(server, {
        corsOrigins: config.CORS_ORIGINS,
        auth: identity.authenticator,
        logger,
        adapter: await cluster.socketAdapter(),
        roomsOf: sync.roomsOf,
        staffRoomsOf: async (user) => {
          if (user.role === 'admin') return ['role:admin'];
          if (user.role !== 'instructor') return [];
          return (await catalog.reader.coursesTaughtBy(user.id)).map((id) => `instructors:${id}`);
        },
      });
      const g = gateway;
      sync.onSequenced(
        (batch) => void g.poke(batch).catch((err: unknown) => logger.warn({ err }, 'sync poke failed')),
      );
      sync.start();
      media.start();
      if (config.ANALYTICS_PROCESSOR !== 'off') await analytics.startProcessor();
      if (config.SCHEDULER === 'on') await schedule.start();
      // Database and file sources of the collector: the outbox relay, SQL pollers, the drop folder.
      sources = startCollectorSources({
        pool: database.pool,
        ingest: analytics.collector.ingest,
        dataDir: config.dataDir,
        config,
        logger,
        users: identity.accounts,
      });
      const addr = server.address() as AddressInfo;
      const baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
      payments.listening(baseUrl);
      listeningUrl = baseUrl;
      notifications.start();
      return baseUrl;
    },
    /**
     * Graceful shutdown, each part after those that use it: stop accepting HTTP, close socket.io, drain in-flight
     * requests (10 s at most); then the work started by listen() — the collector's sources (outbox relay, pollers,
     * drop folder), the sequencer, the media job queue; then the analytics processor (its thread) and the stream
     * listeners; then the pools; PostgreSQL last, when nothing is connected to it any more.
     */
    close(): Promise<void> {
      closing ??= (async () => {
        const drained = server ? stopAccepting(server) : Promise.resolve();
        gateway?.close();
        await drained;
        await payments.close();
        await sources?.stop();
        await notifications.stop();
        await sync.stop();
        await media.stop();
        await schedule.stop();
        await analytics.close();
        await detachedIo?.close();
        await cluster.close();
        await processorDatabase.close();
        await schedulerDatabase.close();
        await database.close();
        await embedded?.stop();
      })();
      return closing;
    },
  };
}

/** Refuse new connections, close idle ones, and resolve when the in-flight requests are answered (or after 10 s). */
function stopAccepting(s: http.Server): Promise<void> {
  const done = new Promise<void>((resolve) => s.close(() => resolve()));
  s.closeIdleConnections();
  const timer = setTimeout(() => s.closeAllConnections(), 10_000);
  return done.finally(() => clearTimeout(timer));
}
