import http from 'node:http';
import type { Config } from './config.ts';
import { createServer } from './app.ts';
import { behindProxy, metricsAccess } from './lib/metrics.ts';

/**
 * `npm run processor`: the analytics processor alone (scaled deployments run N of these; the consumer group shares
 * the stream's partitions). It serves only /health and /metrics on PORT.
 */
export async function runProcessor(config: Config): Promise<() => Promise<void>> {
  const server = await createServer({ config: { ...config, ANALYTICS_PROCESSOR: 'off' } });
  await server.analytics.startProcessor();
  // Dashboards connected to the API nodes hear of committed batches (analytics:changed) through Redis.
  if (!(await server.emitThroughCluster()))
    server.logger.warn(
      'REDIS_URL is not set: dashboards are not told live when this processor commits a batch',
    );
  const httpServer = http.createServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
      return;
    }
    if (
      req.url === '/metrics' &&
      metricsAccess(
        config.METRICS_TOKEN,
        req.socket.remoteAddress,
        req.headers.authorization,
        behindProxy(req.headers, config.TRUST_PROXY),
      )
    ) {
      server.metrics.render().then(
        (text) => res.writeHead(200, { 'content-type': server.metrics.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: { code: 'route_not_found', message: 'The processor serves /health and /metrics' },
      }),
    );
  });
  await new Promise<void>((resolve) => httpServer.listen(config.PORT, config.HOST, resolve));
  server.logger.info({ port: config.PORT }, 'analytics processor running');
  return async () => {
    await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    await server.close();
  };
}
