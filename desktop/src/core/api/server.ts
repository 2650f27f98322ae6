import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CoreError } from '../errors.ts';
import { launchCookie, localGuard, sameSecret } from './guard.ts';
import { matchRoute, type LocalRoute } from './routes.ts';
import { RENDERER_CSP, serveRenderer } from './static.ts';

export interface LocalApiOptions {
  port: number;
  secret: string;
  routes: LocalRoute[];
  /** The built renderer (dist/renderer); null serves a "not built" notice. */
  rendererDir: string | null;
  onError?: (err: unknown) => void;
}

export interface LocalApi {
  port: number;
  /** http://127.0.0.1:<port> */
  origin: string;
  /** The URL that hands the page its launch secret once. */
  launchUrl: string;
  close(): Promise<void>;
}

const BODY_LIMIT = 64 * 1024;

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  'content-security-policy': RENDERER_CSP,
};

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const type = req.headers['content-type'] ?? '';
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > BODY_LIMIT) {
        reject(new CoreError('payload_too_large', 'The request body is too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size === 0) return resolve(undefined);
      if (!type.startsWith('application/json'))
        return reject(new CoreError('unsupported_media_type', 'Send JSON'));
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new CoreError('malformed_json', 'The request body is not valid JSON'));
      }
    });
  });
}

/** The local HTTP API and renderer host, bound to 127.0.0.1 only, guarded by the launch secret and Host/Origin checks. */
export async function startLocalApi(opts: LocalApiOptions): Promise<LocalApi> {
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const guard = localGuard({ port, secret: opts.secret });
  const origin = `http://127.0.0.1:${port}`;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    guard.checkHost(req);
    const url = new URL(req.url ?? '/', origin);
    const method = req.method ?? 'GET';

    if (!url.pathname.startsWith('/api/')) {
      if (method !== 'GET' && method !== 'HEAD') throw new CoreError('method_not_allowed', 'Only GET here');
      const launch = url.searchParams.get('launch');
      if (launch !== null) {
        // The one-time exchange: a valid secret in the URL becomes an HttpOnly cookie, and the URL loses it.
        url.searchParams.delete('launch');
        const headers: Record<string, string> = {
          location: url.pathname + url.search,
          'cache-control': 'no-store',
        };
        if (sameSecret(launch, opts.secret)) headers['set-cookie'] = launchCookie(port, opts.secret);
        res.writeHead(303, headers);
        res.end();
        return;
      }
      serveRenderer(opts.rendererDir, url.pathname, res, method === 'HEAD');
      return;
    }

    const via = guard.authenticate(req);
    guard.checkOrigin(req, via);
    const match = matchRoute(opts.routes, method, url.pathname);
    if (match === null) throw new CoreError('route_not_found', `No route for ${method} ${url.pathname}`);
    if (match === 'method')
      throw new CoreError('method_not_allowed', `${method} is not allowed on ${url.pathname}`);
    const query = Object.fromEntries(url.searchParams);
    const route = match.route;
    if (route.raw) {
      await route.handler({ params: match.params, query, req, res });
      return;
    }
    const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req);
    const result = await route.handler({ params: match.params, query, body });
    sendJson(res, route.status ?? 200, result);
  }

  server.on('request', (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof CoreError) {
        sendJson(res, err.status, {
          error: {
            code: err.code,
            message: err.message,
            ...(err.details === undefined ? {} : { details: err.details }),
          },
        });
        return;
      }
      opts.onError?.(err);
      sendJson(res, 500, {
        error: { code: 'internal', message: 'Something went wrong in the desktop core' },
      });
    });
  });

  return {
    port,
    origin,
    launchUrl: `${origin}/?launch=${encodeURIComponent(opts.secret)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
