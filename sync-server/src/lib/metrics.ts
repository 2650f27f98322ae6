import type { RequestHandler } from 'express';
import client from 'prom-client';

/**
 * Prometheus metrics of one process (prom-client): HTTP rate, errors and latency, and the analytics pipeline's
 * counters, gauges and histograms. Each server (and each test server) has its own registry.
 */
export function createMetrics(labels: Record<string, string> = {}) {
  const registry = new client.Registry();
  registry.setDefaultLabels(labels);
  const beforeScrape = new Set<() => Promise<void>>();
  client.collectDefaultMetrics({ register: registry });

  const httpRequests = new client.Counter({
    name: 'lyceum_http_requests_total',
    help: 'HTTP requests answered, by method, route and status class',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new client.Histogram({
    name: 'lyceum_http_request_duration_seconds',
    help: 'HTTP request latency, by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  const analytics = {
    collected: new client.Counter({
      name: 'lyceum_events_collected_total',
      help: 'Events accepted by the collector, by source',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    duplicates: new client.Counter({
      name: 'lyceum_events_duplicate_total',
      help: 'Events received again with a known id (counted once), by source',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    deadLettered: new client.Counter({
      name: 'lyceum_events_dead_lettered_total',
      help: 'Events refused by the collector and kept in the dead-letter store, by source',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    processed: new client.Counter({
      name: 'lyceum_events_processed_total',
      help: 'Events folded into the analytics store by the processor',
      registers: [registry],
    }),
    processingLatency: new client.Histogram({
      name: 'lyceum_event_processing_latency_seconds',
      help: 'From an event reaching the collector (stored) to its being visible in the aggregates',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
    streamLag: new client.Gauge({
      name: 'lyceum_stream_lag_events',
      help: 'Events published to a stream topic that a consumer group has not committed',
      labelNames: ['topic', 'group'] as const,
      registers: [registry],
    }),
  };

  /** Count and time every request by its route pattern (never the raw URL: ids would explode the label set). */
  const httpMiddleware: RequestHandler = (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const route = routeLabel(
        req.baseUrl,
        (req.route as { path?: unknown } | undefined)?.path,
        res.statusCode,
      );
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      httpRequests.inc({ method: req.method, route, status: `${Math.floor(res.statusCode / 100)}xx` });
      httpDuration.observe({ method: req.method, route }, seconds);
    });
    next();
  };

  return {
    registry,
    httpMiddleware,
    analytics,
    contentType: registry.contentType,
    /** The exposition text; `beforeScrape` hooks refresh gauges (e.g. stream lag) first. */
    async render(): Promise<string> {
      await Promise.all([...beforeScrape].map((f) => f().catch(() => undefined)));
      return registry.metrics();
    },
    onScrape(f: () => Promise<void>): void {
      beforeScrape.add(f);
    },
  };
}
export type Metrics = ReturnType<typeof createMetrics>;

export function routeLabel(baseUrl: string, pattern: unknown, status: number): string {
  if (typeof pattern === 'string') return `${baseUrl}${pattern}`;
  if (status === 404) return 'unmatched';
  return baseUrl || 'other';
}

const PRIVATE = [
  /^127\./,
  /^::1$/,
  /^::ffff:127\./,
  /^10\./,
  /^::ffff:10\./,
  /^192\.168\./,
  /^::ffff:192\.168\./,
  /^(::ffff:)?172\.(1[6-9]|2\d|3[01])\./,
  /^f[cd][0-9a-f]{2}:/i,
];

const LOOPBACK = PRIVATE.slice(0, 3);

/**
 * Who may scrape /metrics: with METRICS_TOKEN set, whoever sends it as a bearer token; without it, only
 * loopback and private-network addresses (Prometheus beside the server), never the public internet. `remote` is
 * the real client address (Express's req.ip, resolved through the trusted proxies). Behind a proxy (the request was
 * forwarded, or TRUST_PROXY names one) a private address may be the proxy relaying anyone, so without a token only
 * a loopback client may scrape: set METRICS_TOKEN there.
 */
/** Whether a request reached this process through a proxy: it was forwarded, or TRUST_PROXY names a proxy. */
export function behindProxy(
  headers: { 'x-forwarded-for'?: string | string[]; forwarded?: string },
  trustProxy: boolean | number | string | undefined,
): boolean {
  return (
    headers['x-forwarded-for'] !== undefined ||
    headers.forwarded !== undefined ||
    (trustProxy !== undefined && trustProxy !== 'loopback' && trustProxy !== false)
  );
}

export function metricsAccess(
  token: string | undefined,
  remote: string | undefined,
  auth: string | undefined,
  behindProxy = false,
) {
  if (token) return auth === `Bearer ${token}`;
  if (remote === undefined) return false;
  return (behindProxy ? LOOPBACK : PRIVATE).some((r) => r.test(remote));
}
