import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { ErrorCode, Role } from '@lyceum/contracts';
import type { RatePolicy } from './rate-limit.ts';

/**
 * Who may call a route. 'public': anyone (the caller is known when a valid token is sent);
 * 'user': any signed-in account; 'instructor': instructors and admins; 'admin': admins only.
 * Finer checks that depend on data (owner of a course, enrolled student) live in the services.
 */
export type Access = 'public' | 'user' | 'instructor' | 'admin';

export interface Caller {
  id: string;
  role: Role;
}

export interface Ctx<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The signed-in caller; always set unless access is 'public'. */
  user: Caller | null;
  req: Request;
  res: Response;
}

/** Handlers return the response body, or a Raw response for non-JSON bodies (CSV, redirects). */
export class Raw {
  constructor(
    readonly contentType: string,
    readonly body: string | Buffer,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** A JSON body answered with another success status than the route's usual one (e.g. 200 for an idempotent replay of a 201). */
export class WithStatus<T> {
  constructor(
    readonly status: 200 | 201 | 202,
    readonly body: T,
  ) {}
}

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteSpec<
  P extends Schema | undefined,
  Q extends Schema | undefined,
  B extends Schema | undefined,
  R extends Schema | null,
> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express-style path, e.g. /api/v1/courses/:id */
  path: string;
  operationId: string;
  summary: string;
  tags: string[];
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  /** Schema of the success body; null for 204 or non-JSON (see produces). */
  response: R;
  status?: 200 | 201 | 202 | 204;
  produces?: string;
  /** Other success statuses the handler may answer with through WithStatus, for the docs. */
  alsoStatus?: { status: 200 | 201 | 202; description: string }[];
  /** Error codes this route can answer with, for the docs. */
  errors?: ErrorCode[];
  /** Count calls against a rate-limit policy (per user and per client address), when `when` (if given) says so. */
  rateLimit?: { policy: RatePolicy; when?: (query: Out<Q>) => boolean };
  handler: (
    ctx: Ctx<Out<P>, Out<Q>, Out<B>>,
  ) => Promise<(R extends z.ZodType ? z.input<R> | WithStatus<z.input<R>> : void) | Raw>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry stores routes of every schema type
export type AnyRoute = RouteSpec<any, any, any, any>;

/** Declare a route; the identity function exists so TypeScript infers the handler's types from the schemas. */
export function route<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  R extends Schema | null = null,
>(spec: RouteSpec<P, Q, B, R>): AnyRoute {
  return spec as AnyRoute;
}
