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
  /** The request body is raw bytes (application/octet-stream, sent with `CallOptions.bytes`), not JSON. */
  bytes?: true;
}
type AnyEndpoint = Endpoint<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | null>;

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

/** What one call may change from the client's defaults. */
export interface CallOptions {
  /**
   * The access token of this call in place of the session's (null: no token). A caller that passes tokens keeps
   * its own session and refreshes it itself: such a call is never refreshed-and-retried here.
   */
  token?: string | null;
  /** This call's timeout in ms. */
  timeoutMs?: number;
  /** Stops the call; it then rejects with the signal's reason (not a network error). */
  signal?: AbortSignal;
  /** Extra request headers (e.g. Range, x-chunk-sha256). */
  headers?: Record<string, string>;
  /** The raw body of an endpoint that takes bytes. */
  bytes?: Uint8Array<ArrayBuffer>;
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

/** A timeout and an outside stop signal on one controller (without AbortSignal.any, which keeps signals alive). */
function deadline(timeoutMs: number, stop?: AbortSignal) {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new DOMException('timeout', 'TimeoutError')), timeoutMs);
  const onStop = () => ac.abort(stop?.reason);
  stop?.addEventListener('abort', onStop, { once: true });
  if (stop?.aborted) ac.abort(stop.reason);
  return {
    signal: ac.signal,
    done() {
      clearTimeout(timer);
      stop?.removeEventListener('abort', onStop);
    },
  };
}

function why(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'the server did not answer in time';
  const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  return cause?.code ?? cause?.message ?? err.message;
}

/** Low-level transport: JSON in and out, timeouts, typed errors, one refresh-and-retry on an expired token. */
export class HttpTransport {
  session: Session | null;
  private refreshing: Promise<void> | null = null;
  constructor(private readonly o: ClientOptions) {
    this.session = o.session ?? null;
  }

  get baseUrl(): string {
    return this.o.baseUrl.replace(/\/+$/, '');
  }

  setSession(s: Session | null): void {
    this.session = s;
    this.o.onSession?.(s);
  }

  /**
   * One HTTP exchange; a failure to reach the server (refused, reset, timed out) is a LyceumApiError with code
   * 'network' and the underlying error as its cause. The answer's body is left unread.
   */
  async raw(
    method: string,
    path: string,
    body?: unknown,
    auth: boolean | string | null = true,
    opts: Omit<CallOptions, 'token'> = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    if (opts.bytes) headers['content-type'] = 'application/octet-stream';
    else if (body !== undefined) headers['content-type'] = 'application/json';
    const token = typeof auth === 'string' ? auth : auth === true ? this.session?.accessToken : null;
    if (token) headers.authorization = `Bearer ${token}`;
    const f = this.o.fetch ?? fetch;
    const d = deadline(opts.timeoutMs ?? this.o.timeoutMs ?? 15_000, opts.signal);
    try {
      const res = await f(this.baseUrl + path, {
        method,
        headers,
        body: opts.bytes ?? (body === undefined ? undefined : JSON.stringify(body)),
        signal: d.signal,
      });
      // The body arrives under the same deadline: read it here so a stalled answer times out too.
      const buf = await res.arrayBuffer();
      return new Response([204, 205, 304].includes(res.status) ? null : buf, {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
      });
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      const reason = why(err);
      throw new LyceumApiError(
        0,
        'network',
        `Cannot reach the server: ${reason}`,
        { reason },
        { cause: err },
      );
    } finally {
      d.done();
    }
  }

  /** Send a request to an endpoint; the answer when it is a success (2xx), else its LyceumApiError. */
  async send<E extends AnyEndpoint>(e: E, input: Input<E>, opts: CallOptions = {}): Promise<Response> {
    const path = fillPath(e.path, input.params) + queryString(input.query);
    const own = opts.token !== undefined;
    const auth = e.auth === false ? false : own ? (opts.token ?? null) : true;
    let res = await this.raw(e.method, path, input.body, auth, opts);
    if (res.status === 401 && auth === true && this.session) {
      const err = await LyceumApiError.from(res.clone());
      if (err.code === 'token_expired') {
        await this.refresh();
        res = await this.raw(e.method, path, input.body, auth, opts);
      }
    }
    if (!res.ok) throw await LyceumApiError.from(res);
    return res;
  }

  async call<E extends AnyEndpoint>(e: E, input: Input<E>, opts: CallOptions = {}): Promise<Output<E>> {
    const res = await this.send(e, input, opts);
    if (e.response === null || res.status === 204) return undefined as Output<E>;
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      throw new LyceumApiError(
        res.status,
        'bad_response',
        `${e.method} ${e.path} answered a body that is not JSON`,
      );
    }
    const parsed = e.response.safeParse(json);
    if (!parsed.success)
      throw new LyceumApiError(
        res.status,
        'bad_response',
        `Unexpected response from ${e.method} ${e.path} (${parsed.error.issues[0]?.message ?? 'invalid'})`,
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
