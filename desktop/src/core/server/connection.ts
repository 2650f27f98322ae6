import {
  endpoints,
  serviceEndpoints,
  HttpTransport,
  LyceumApiError,
  type CallOptions,
  type Endpoints,
  type Input,
  type OperationId,
  type Output,
} from '@lyceum/client';
import { ServerContractError, ServerError, ServerUnreachable } from './errors.ts';

export interface ConnectionOptions {
  baseUrl: string;
  /** Default timeout of a call in ms (8 s). */
  timeoutMs?: number;
  /** Called after every answer from the server (any status) and every failure to reach it. */
  onContact?: (ok: boolean, error?: string) => void;
  fetch?: typeof fetch;
}

const GATEWAY = new Set([502, 503, 504]);

/**
 * The desktop core's connection to the sync server: the typed client `@lyceum/client` (its endpoints, schemas and
 * transport), with the signed-in user's token passed per call (the session service refreshes it), every answer and
 * failure reported to the connectivity monitor, and errors in the core's terms: ServerUnreachable (no answer, a
 * timeout, a gateway's 502/503/504), ServerError (an error body), ServerContractError (an answer off the contract).
 */
export function serverConnection(opts: ConnectionOptions) {
  const transport = new HttpTransport({
    baseUrl: opts.baseUrl,
    fetch: opts.fetch,
    timeoutMs: opts.timeoutMs ?? 8000,
  });
  const base = transport.baseUrl;

  function mapError(err: unknown, label: string): unknown {
    if (!(err instanceof LyceumApiError)) return err;
    if (err.code === 'network') {
      const reason = (err.details as { reason?: string } | undefined)?.reason ?? err.message;
      opts.onContact?.(false, reason);
      return new ServerUnreachable(`The server at ${base} cannot be reached: ${reason}`, {
        cause: err.cause,
      });
    }
    if (GATEWAY.has(err.status)) {
      opts.onContact?.(false, `the server answered ${err.status}`);
      return new ServerUnreachable(`The server at ${base} is not available (${err.status})`);
    }
    opts.onContact?.(true);
    if (err.code === 'bad_response' && err.status >= 200 && err.status < 300)
      return new ServerContractError(`${label}: ${err.message}`);
    return new ServerError(
      err.status,
      err.code === 'bad_response' ? 'internal' : err.code,
      err.code === 'bad_response' ? `${label} failed with status ${err.status}` : err.message,
      err.details,
    );
  }

  async function reporting<T>(label: string, run: () => Promise<T>): Promise<T> {
    let out: T;
    try {
      out = await run();
    } catch (err) {
      throw mapError(err, label);
    }
    opts.onContact?.(true);
    return out;
  }

  const label = (op: OperationId) => `${endpoints[op].method} ${endpoints[op].path}`;

  return {
    baseUrl: base,
    /** Call an endpoint by its operationId: its typed, checked answer. `token` is the signed-in user's (or null). */
    call<K extends OperationId>(
      op: K,
      input: Input<Endpoints[K]>,
      o: CallOptions = {},
    ): Promise<Output<Endpoints[K]>> {
      return reporting(label(op), () =>
        transport.call(endpoints[op], input, { token: null, ...o }),
      ) as Promise<Output<Endpoints[K]>>;
    },
    /** An endpoint whose answer is not JSON (a page, a feed) or whose body is bytes: the successful Response. */
    send<K extends OperationId>(op: K, input: Input<Endpoints[K]>, o: CallOptions = {}): Promise<Response> {
      return reporting(label(op), () => transport.send(endpoints[op], input, { token: null, ...o }));
    },
    /** Liveness probe used by the connectivity monitor. */
    health: (timeoutMs = 2000) =>
      reporting('GET /health', () => transport.call(serviceEndpoints.health, {}, { timeoutMs })),
  };
}
export type ServerConnection = ReturnType<typeof serverConnection>;
