import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { CoreError } from '../errors.ts';
import { CatalogQuery, CourseIdParam, SignInBody } from '../../contracts/app.ts';
import type { CatalogService } from '../services/catalog.ts';
import type { ConnectivityMonitor } from '../services/connectivity.ts';
import type { SessionService } from '../services/session.ts';

export interface RouteInput {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
}

export interface RawRouteInput {
  params: Record<string, string>;
  query: Record<string, string>;
  req: IncomingMessage;
  res: ServerResponse;
}

interface RouteBase {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path with `:name` segments; a last segment `*` matches the rest of the path (as params['*'], still encoded). */
  path: string;
}

/** A JSON route: the body is parsed (64 KiB at most) and the handler's result is sent as JSON. */
export interface JsonRoute extends RouteBase {
  raw?: false;
  /** Status of a successful answer. */
  status?: number;
  handler: (input: RouteInput) => Promise<unknown> | unknown;
}

/**
 * A raw route: it reads the request and writes the response itself (media with Range, streamed uploads). The
 * guard still runs first; a CoreError thrown before anything was sent still becomes the JSON error shape.
 */
export interface RawRoute extends RouteBase {
  raw: true;
  handler: (input: RawRouteInput) => Promise<void> | void;
}

export type LocalRoute = JsonRoute | RawRoute;

export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'query' | 'body' | 'params',
): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new CoreError(
    'validation_failed',
    `Invalid ${where}`,
    r.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message })),
  );
}

export interface AppInfo {
  name: string;
  version: string;
  mode: 'electron' | 'web';
  serverUrl: string;
}

/** The endpoints the renderer uses. Everything the UI knows comes through here. */
export function localRoutes(s: {
  session: SessionService;
  catalog: CatalogService;
  connectivity: ConnectivityMonitor;
  app: AppInfo;
  /** Called after a successful sign-in (the sync engine starts its first sync). */
  onSignedIn?: () => void;
}): LocalRoute[] {
  return [
    { method: 'GET', path: '/api/app', handler: () => s.app },
    { method: 'GET', path: '/api/status', handler: () => s.connectivity.check() },
    { method: 'GET', path: '/api/session', handler: () => s.session.whoAmI() },
    {
      method: 'POST',
      path: '/api/session',
      handler: async ({ body }) => {
        const state = await s.session.signIn(parseInput(SignInBody, body, 'body'));
        s.onSignedIn?.();
        return state;
      },
    },
    { method: 'DELETE', path: '/api/session', handler: () => s.session.signOut() },
    {
      method: 'POST',
      path: '/api/session/refresh',
      handler: async () => {
        const token = await s.session.refresh().catch((err: unknown) => {
          throw new CoreError('offline', 'Refreshing the session needs the server', { reason: String(err) });
        });
        if (!token)
          throw new CoreError('signed_out', 'Nobody is signed in (or the session ended): sign in again');
        return s.session.whoAmI();
      },
    },
    {
      method: 'GET',
      path: '/api/catalog',
      handler: ({ query }) => s.catalog.search(parseInput(CatalogQuery, query, 'query')),
    },
    {
      method: 'GET',
      path: '/api/catalog/:id',
      handler: ({ params }) => s.catalog.course(parseInput(CourseIdParam, params, 'params').id),
    },
  ];
}

/** Match a request to a route: the route and its params, 'method' when only the method is wrong, or null. */
export function matchRoute(routes: LocalRoute[], method: string, pathname: string) {
  let wrongMethod = false;
  const parts = pathname.split('/');
  for (const r of routes) {
    const pattern = r.path.split('/');
    const rest = pattern[pattern.length - 1] === '*';
    if (rest ? parts.length < pattern.length : pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = pattern.every((seg, i) => {
      const part = parts[i] ?? '';
      if (seg === '*') {
        params['*'] = parts.slice(i).join('/');
        return params['*'] !== '';
      }
      if (seg.startsWith(':')) {
        if (!part) return false;
        try {
          params[seg.slice(1)] = decodeURIComponent(part);
        } catch {
          return false;
        }
        return true;
      }
      return seg === part;
    });
    if (!ok) continue;
    if (r.method === method || (method === 'HEAD' && r.method === 'GET')) return { route: r, params };
    wrongMethod = true;
  }
  return wrongMethod ? 'method' : null;
}
