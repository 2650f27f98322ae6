import type { NextFunction, Request, Response, Router } from 'express';
import type { z } from 'zod';
import { ApiError } from './errors.ts';
import type { RateLimits } from './rate-limit.ts';
import { Raw, WithStatus, type AnyRoute, type Caller } from './route.ts';

export interface Authenticator {
  /** Resolve the caller from the request's bearer token; null when absent. Throws ApiError when present but invalid. */
  authenticate(req: Request): Promise<Caller | null>;
}

const roleRank = { student: 0, instructor: 1, admin: 2 } as const;

function checkAccess(access: AnyRoute['access'], user: Caller | null): void {
  if (access === 'public') return;
  if (!user) throw new ApiError('unauthenticated', 'Sign in to do this');
  if (access === 'instructor' && roleRank[user.role] < roleRank.instructor)
    throw new ApiError('forbidden', 'Only instructors and admins may do this');
  if (access === 'admin' && user.role !== 'admin') throw new ApiError('forbidden', 'Only admins may do this');
}

function parse<S extends z.ZodType>(
  schema: S | undefined,
  value: unknown,
  where: 'params' | 'query' | 'body',
): unknown {
  if (!schema) return undefined;
  const r = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (r.success) return r.data;
  const invalidId =
    where === 'params' && r.error.issues.some((i) => i.path[0] === 'id' || String(i.path[0]).endsWith('Id'));
  throw new ApiError(invalidId ? 'invalid_id' : 'validation_failed', `Invalid ${where}`, {
    issues: r.error.issues.map((i) => ({
      path: [where, ...i.path.map(String)].join('.'),
      message: i.message,
      code: i.code,
    })),
  });
}

export function registerRoutes(
  router: Router,
  routes: AnyRoute[],
  auth: Authenticator,
  validateResponses: boolean,
  limits?: RateLimits,
): void {
  for (const spec of routes) {
    router[spec.method](spec.path, async (req: Request, res: Response, next: NextFunction) => {
      try {
        let user: Caller | null = null;
        try {
          user = await auth.authenticate(req);
        } catch (err) {
          if (spec.access !== 'public') throw err;
        }
        checkAccess(spec.access, user);
        // Anything answered to a signed-in caller (or behind sign-in) may be personal: no cache may keep it.
        if (spec.access !== 'public' || user) res.set('cache-control', 'no-store');
        const params = parse(spec.params, req.params, 'params');
        const query = parse(spec.query, req.query, 'query');
        const limit = spec.rateLimit;
        if (limits && limit && (!limit.when || limit.when(query)))
          await limits.consume(limit.policy, { ip: req.ip, userId: user?.id });
        if (spec.body && req.body === undefined && spec.method !== 'get') {
          const ct = req.headers['content-type'];
          if (ct && !ct.includes('application/json') && Number(req.headers['content-length'] ?? 0) > 0)
            throw new ApiError('unsupported_media_type', 'Send the body as application/json');
        }
        const body = parse(spec.body, req.body, 'body');
        const result = await spec.handler({ params, query, body, user, req, res });
        if (res.headersSent) return;
        if (result instanceof Raw) {
          res
            .status(spec.status ?? 200)
            .set({ 'content-type': spec.produces ?? result.contentType, ...result.headers });
          res.send(result.body);
          return;
        }
        const status = result instanceof WithStatus ? result.status : (spec.status ?? 200);
        const payload: unknown = result instanceof WithStatus ? result.body : result;
        if (status === 204 || spec.response === null) {
          res.status(204).end();
          return;
        }
        if (validateResponses) {
          const r = (spec.response as z.ZodType).safeParse(payload);
          if (!r.success)
            throw new Error(`Response of ${spec.operationId} does not match its schema: ${r.error.message}`);
        }
        res.status(status).json(payload);
      } catch (err) {
        next(err);
      }
    });
  }
}
