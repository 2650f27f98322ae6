import { z } from 'zod';
import {
  AuthResponse,
  CourseDetail,
  CourseSearchResult,
  ErrorBody,
  User,
  type CourseSearchQuery,
  type LoginRequest,
  type PasswordResetConfirm,
  type PasswordResetRequest,
  type SignupRequest,
} from '@lyceum/contracts';

import { ServerContractError, ServerError, ServerUnreachable } from './errors.ts';

export { ServerContractError, ServerError, ServerUnreachable };

export interface RequestOptions<S extends z.ZodType | null> {
  token?: string | null;
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  schema: S;
  timeoutMs?: number;
}

export interface ServerClientOptions {
  baseUrl: string;
  timeoutMs?: number;
  /** Called after every answer from the server (any status) and every failure to reach it. */
  onContact?: (ok: boolean, error?: string) => void;
  fetch?: typeof fetch;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'the server did not answer in time';
    if (cause?.code === 'ECONNREFUSED') return 'connection refused';
    if (cause?.code) return cause.code;
    return cause?.message ?? err.message;
  }
  return String(err);
}

/** Typed HTTP client for the sync server's REST API: bodies are checked against the shared contracts. */
export function serverClient(opts: ServerClientOptions) {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const doFetch = opts.fetch ?? fetch;
  const defaultTimeout = opts.timeoutMs ?? 8000;

  async function request<S extends z.ZodType | null>(
    method: string,
    path: string,
    o: RequestOptions<S>,
  ): Promise<S extends z.ZodType ? z.infer<S> : undefined> {
    const url = new URL(base + path);
    for (const [k, v] of Object.entries(o.query ?? {}))
      if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    let text: string;
    try {
      res = await doFetch(url, {
        method,
        headers,
        body: o.body === undefined ? undefined : JSON.stringify(o.body),
        signal: AbortSignal.timeout(o.timeoutMs ?? defaultTimeout),
      });
      text = await res.text();
    } catch (err) {
      const why = describe(err);
      opts.onContact?.(false, why);
      throw new ServerUnreachable(`The server at ${base} cannot be reached: ${why}`, { cause: err });
    }
    if (res.status === 502 || res.status === 503 || res.status === 504) {
      opts.onContact?.(false, `the server answered ${res.status}`);
      throw new ServerUnreachable(`The server at ${base} is not available (${res.status})`);
    }
    opts.onContact?.(true);
    let json: unknown = undefined;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        throw new ServerContractError(
          `${method} ${path} answered ${res.status} with a body that is not JSON`,
        );
      }
    }
    if (!res.ok) {
      const err = ErrorBody.safeParse(json);
      if (err.success)
        throw new ServerError(
          res.status,
          err.data.error.code,
          err.data.error.message,
          err.data.error.details,
        );
      throw new ServerError(res.status, 'internal', `${method} ${path} failed with status ${res.status}`);
    }
    if (o.schema === null) return undefined as S extends z.ZodType ? z.infer<S> : undefined;
    const parsed = o.schema.safeParse(json);
    if (!parsed.success)
      throw new ServerContractError(
        `${method} ${path}: unexpected answer (${parsed.error.issues[0]?.message ?? 'invalid'})`,
      );
    return parsed.data as S extends z.ZodType ? z.infer<S> : undefined;
  }

  return {
    baseUrl: base,
    request,
    /** Liveness probe used by the connectivity monitor. */
    health: (timeoutMs = 2000) =>
      request('GET', '/health', { schema: z.object({ status: z.string() }), timeoutMs }),
    login: (body: z.input<typeof LoginRequest>) =>
      request('POST', '/api/v1/auth/login', { body, schema: AuthResponse }),
    refresh: (refreshToken: string) =>
      request('POST', '/api/v1/auth/refresh', { body: { refreshToken }, schema: AuthResponse }),
    logout: (refreshToken: string) =>
      request('POST', '/api/v1/auth/logout', { body: { refreshToken }, schema: null }),
    signup: (body: z.input<typeof SignupRequest>) =>
      request('POST', '/api/v1/auth/signup', { body, schema: AuthResponse }),
    requestPasswordReset: (body: z.input<typeof PasswordResetRequest>) =>
      request('POST', '/api/v1/auth/password-reset/request', {
        body,
        schema: z.object({ status: z.string() }),
      }),
    confirmPasswordReset: (body: z.input<typeof PasswordResetConfirm>) =>
      request('POST', '/api/v1/auth/password-reset/confirm', { body, schema: null }),
    me: (token: string) => request('GET', '/api/v1/me', { token, schema: User }),
    searchCourses: (query: Partial<CourseSearchQuery>, token?: string | null) =>
      request('GET', '/api/v1/courses', { token, query: { ...query }, schema: CourseSearchResult }),
    getCourse: (id: string, token?: string | null) =>
      request('GET', `/api/v1/courses/${encodeURIComponent(id)}`, { token, schema: CourseDetail }),
  };
}
export type ServerClient = ReturnType<typeof serverClient>;
