import {
  endpoints,
  fillPath,
  type Endpoints,
  type Input,
  type OperationId,
  type Output,
} from '@lyceum/client';
import type { ServerClient } from './client.ts';

/**
 * Call an endpoint of the typed client `@lyceum/client` (its method, path and schemas) through the desktop's server
 * client, so the call reports to the connectivity monitor and answers its typed errors (ServerUnreachable,
 * ServerError, ServerContractError) like every other call of the core.
 */
export function callEndpoint<K extends OperationId>(
  client: ServerClient,
  op: K,
  input: Input<Endpoints[K]> & { token: string | null },
): Promise<Output<Endpoints[K]>> {
  const e = endpoints[op];
  const { params, body, query, token } = input as {
    params?: Record<string, string>;
    body?: unknown;
    query?: Record<string, string | number | undefined>;
    token: string | null;
  };
  return client.request(e.method, fillPath(e.path, params), {
    token,
    body,
    query,
    schema: e.response,
  }) as Promise<Output<Endpoints[K]>>;
}
