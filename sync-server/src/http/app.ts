import express, { type ErrorRequestHandler, type Express } from 'express';
import { refuseDeepJson } from './json-depth.ts';
import cors from 'cors';
import helmet from 'helmet';
import { requestLog, requestIdOf } from './request-log.ts';
import type { Logger } from 'pino';
import { ApiError, sendApiError } from './errors.ts';
import { registerRoutes, type Authenticator } from './register.ts';
import type { AnyRoute } from './route.ts';
import { buildOpenApi } from './openapi.ts';
import { docsRouter } from './docs.ts';
import { behindProxy, metricsAccess, type Metrics } from '../lib/metrics.ts';
import { isDatabaseUnavailable, isDataException } from '../db/errors.ts';
import type { RateLimits } from './rate-limit.ts';

/** What a 503 during a database outage asks the client to wait (the embedded cluster restarts in about that). */
const RETRY_AFTER_SECONDS = 2;

export interface HttpOptions {
  routes: AnyRoute[];
  auth: Authenticator;
  logger: Logger;
  corsOrigins: string[];
  ready: () => Promise<boolean>;
  validateResponses: boolean;
  bodyLimit?: string;
  /** Extra routers mounted before the 404 handler (admin console, content, …). */
  mounts?: { path: string; router: express.Router }[];
  /**
   * Routers mounted ahead of logging, helmet, CORS and body parsing: hot paths that set their own headers (signed
   * content delivery). Their errors still reach the error handler.
   */
  earlyMounts?: { path: string; router: express.Router }[];
  /** Body parsers for some paths, run before the JSON parser (a webhook's raw body, a hosted page's form posts). */
  bodyParsers?: { path: string; parser: express.RequestHandler }[];
  /** Express "trust proxy": whose X-Forwarded-For gives the client address (TRUST_PROXY); default loopback. */
  trustProxy?: boolean | number | string;
  /** The shared rate limits that routes with `rateLimit` count against. */
  limits?: RateLimits;
  /** Prometheus metrics, served at /metrics (bearer METRICS_TOKEN, or private addresses when unset). */
  metrics?: { metrics: Metrics; token?: string };
}

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

function toApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  const e = err as BodyParserError & { code?: string };
  switch (e?.type) {
    case 'entity.parse.failed':
      return new ApiError('malformed_json', 'The request body is not valid JSON');
    case 'entity.too.large':
      return new ApiError('payload_too_large', 'The request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError('unsupported_media_type', 'Unsupported body encoding');
  }
  // A path with a broken percent-escape (`/courses/%`): the router cannot decode its parameters.
  if (err instanceof URIError) return new ApiError('validation_failed', 'The URL is not correctly encoded');
  if (e?.code === '22P02') return new ApiError('invalid_id', 'An identifier is malformed');
  // A value PostgreSQL cannot store (NUL, an unsupported escape) that a schema let through: the request's fault.
  if (isDataException(err))
    return new ApiError('validation_failed', 'The request holds a value that cannot be stored');
  if (isDatabaseUnavailable(err))
    return new ApiError(
      'unavailable',
      'The service is briefly unavailable; try again in a few seconds',
      undefined,
      { 'retry-after': String(RETRY_AFTER_SECONDS) },
    );
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose)
    return new ApiError('validation_failed', 'The request could not be read');
  return null;
}

export function createHttpApp(opts: HttpOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', opts.trustProxy ?? 'loopback');
  app.set('query parser', 'simple');
  if (opts.metrics) app.use(opts.metrics.metrics.httpMiddleware);
  for (const m of opts.earlyMounts ?? []) app.use(m.path, m.router);
  app.use(requestLog(opts.logger));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'img-src': ["'self'", 'data:', 'blob:'],
          'connect-src': ["'self'", 'ws:', 'wss:'],
          // The server is also reached over plain http on a LAN or loopback; do not force https sub-resources.
          'upgrade-insecure-requests': null,
        },
      },
    }),
  );
  app.use(
    cors({
      origin: (origin, cb) => cb(null, !origin || opts.corsOrigins.includes(origin)),
      credentials: true,
      exposedHeaders: ['x-request-id', 'retry-after'],
      maxAge: 600,
    }),
  );
  // xAPI statement batches from outside learning tools may be larger than any other request.
  app.use('/xapi', express.json({ limit: '5mb', strict: true, verify: refuseDeepJson }));
  for (const b of opts.bodyParsers ?? []) app.use(b.path, b.parser);
  app.use(express.json({ limit: opts.bodyLimit ?? '2mb', strict: true, verify: refuseDeepJson }));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });
  app.get('/ready', async (_req, res) => {
    const ok = await opts.ready().catch(() => false);
    if (ok) res.json({ status: 'ready' });
    else
      res
        .status(503)
        .set('retry-after', String(RETRY_AFTER_SECONDS))
        .json({ error: { code: 'not_ready', message: 'The database is not reachable' } });
  });

  if (opts.metrics) {
    const { metrics, token } = opts.metrics;
    app.get('/metrics', async (req, res, next) => {
      // Judged by the real client address; forwarded requests, or any behind a configured proxy, need more.
      const proxied = behindProxy(req.headers, opts.trustProxy);
      if (!metricsAccess(token, req.ip ?? req.socket.remoteAddress, req.headers.authorization, proxied)) {
        next(new ApiError(token ? 'unauthenticated' : 'forbidden', 'Metrics are for the monitoring system'));
        return;
      }
      res.set('content-type', metrics.contentType).send(await metrics.render());
    });
  }

  const openapi = buildOpenApi(opts.routes, { title: 'Lyceum sync server API', version: '1.0.0' });
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.use('/api/docs', docsRouter());

  const router = express.Router();
  registerRoutes(router, opts.routes, opts.auth, opts.validateResponses, opts.limits);
  app.use(router);
  for (const m of opts.mounts ?? []) app.use(m.path, m.router);

  app.use((req, _res, next) => {
    next(new ApiError('route_not_found', `No route for ${req.method} ${req.path}`));
  });

  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    const apiErr = toApiError(err);
    if (!apiErr) {
      const requestId = requestIdOf(res);
      opts.logger.error(
        { err, reqId: requestId, method: req.method, url: req.originalUrl },
        'unhandled error',
      );
      res.status(500).json({
        error: { code: 'internal', message: 'Something went wrong on our side', details: { requestId } },
      });
      return;
    }
    sendApiError(res, apiErr);
  };
  app.use(onError);
  return app;
}
