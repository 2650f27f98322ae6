import type { z } from 'zod';
import { LyceumApiError } from './errors.ts';

export interface Endpoint<
  B extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  R extends z.ZodType | null,
> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path with :params, e.g. /api/v1/courses/:id */
  path: string;
  body?: B;
  query?: Q;
  /** Response schema; null for 204 or non-JSON answers. */
  response: R;
  /** False for public endpoints that must not carry a token. */
  auth?: boolean;
}

export interface Session {
  accessToken: string;
  refreshToken: string;
}

export interface ClientOptions {
  baseUrl: string;
  fetch?: typeof fetch;
  /** Request timeout in ms (default 15 s). */
  timeoutMs?: number;
  /** Current session; the client refreshes it when the access token expires. */
  session?: Session | null;
  onSession?: (s: Session | null) => void;
}

export type Input<E> =
  E extends Endpoint<infer B, infer Q, z.ZodType | null>
    ? { params?: Record<string, string> } & (B extends z.ZodType
        ? { body: z.input<B> }
        : { body?: undefined }) &
        (Q extends z.ZodType ? { query?: z.input<Q> } : { query?: undefined })
    : never;
export type Output<E> =
  E extends Endpoint<z.ZodType | undefined, z.ZodType | undefined, infer R>
    ? R extends z.ZodType
      ? z.output<R>
      : void
    : never;

export function fillPath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/:(\w+)/g, (_, k: string) => {
    const v = params[k];
    if (v === undefined) throw new Error(`missing path parameter ${k}`);
    return encodeURIComponent(v);
  });
}

function queryString(q: unknown): string {
  if (!q || typeof q !== 'object') return '';
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(q as Record<string, unknown>))
    if (v !== undefined && v !== null && v !== '') sp.set(k, String(v));
  const s = sp.toString();
  return s ? `?${s}` : '';
}

/** Low-level transport: JSON in and out, timeouts, typed errors, one refresh-and-retry on an expired token. */
export class HttpTransport {
  session: Session | null;
  private refreshing: Promise<void> | null = null;
  constructor(private readonly o: ClientOptions) {
    this.session = o.session ?? null;
  }

  setSession(s: Session | null): void {
    this.session = s;
    this.o.onSession?.(s);
  }

  async raw(method: string, path: string, body?: unknown, auth = true): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (auth && this.session) headers.authorization = `Bearer ${this.session.accessToken}`;
    const f = this.o.fetch ?? fetch;
    try {
      return await f(this.o.baseUrl.replace(/\/$/, '') + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 15_000),
      });
    } catch (err) {
      throw new LyceumApiError(0, 'network', `Cannot reach the server: ${(err as Error).message}`);
    }
  }

  async call<E extends Endpoint<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | null>>(
    e: E,
    input: Input<E>,
  ): Promise<Output<E>> {
    const path = fillPath(e.path, input.params) + queryString(input.query);
    const auth = e.auth !== false;
    let res = await this.raw(e.method, path, input.body, auth);
    if (res.status === 401 && auth && this.session) {
      const err = await LyceumApiError.from(res.clone());
      if (err.code === 'token_expired') {
        await this.refresh();
        res = await this.raw(e.method, path, input.body, auth);
      }
    }
    if (!res.ok) throw await LyceumApiError.from(res);
    if (e.response === null || res.status === 204) return undefined as Output<E>;
    const parsed = e.response.safeParse(await res.json());
    if (!parsed.success)
      throw new LyceumApiError(
        res.status,
        'bad_response',
        `Unexpected response from ${e.method} ${e.path}`,
        parsed.error.issues,
      );
    return parsed.data as Output<E>;
  }

  /** Exchange the refresh token once, even when many calls hit an expired token together. */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const s = this.session;
        if (!s) throw new LyceumApiError(401, 'unauthenticated', 'Not signed in');
        const res = await this.raw('POST', '/api/v1/auth/refresh', { refreshToken: s.refreshToken }, false);
        if (!res.ok) {
          const err = await LyceumApiError.from(res);
          if (err.status === 401 || err.status === 403) this.setSession(null);
          throw err;
        }
        const body = (await res.json()) as Session;
        this.setSession({ accessToken: body.accessToken, refreshToken: body.refreshToken });
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }
}
