import { Client, errors } from '@elastic/elasticsearch';
import Mock from '@elastic/elasticsearch-mock';
import { createElasticsearchStore, type ElasticsearchStoreOptions } from './elasticsearch.ts';

/**
 * FOR TESTS ONLY: an Elasticsearch client wired to @elastic/elasticsearch-mock, recording every request. Nothing is
 * evaluated: each test answers the requests it expects with canned responses (`on`), and reads what was sent.
 */
export interface Recorded {
  method: string;
  path: string;
  querystring: Record<string, string>;
  /** Parsed JSON, or for NDJSON bodies (bulk, msearch) the array of lines. */
  body: unknown;
}
type Handler = (req: Recorded) => unknown;

export function mockedElasticsearch(opts: Omit<ElasticsearchStoreOptions, 'client'> = {}) {
  const mock = new Mock();
  const calls: Recorded[] = [];
  const client = new Client({ node: 'http://elasticsearch.test:9200', Connection: mock.getConnection() });
  const on = (method: string, path: string, handler: Handler) =>
    mock.add({ method, path }, (params) => {
      const req: Recorded = {
        method: String(params.method),
        path: String(params.path),
        querystring: (params.querystring ?? {}) as Record<string, string>,
        body: params.body,
      };
      calls.push(req);
      return handler(req) as Record<string, unknown>;
    });
  // The schema: acknowledged, and the data stream and sessions index "exist already" (which must be fine).
  on('PUT', '/_ilm/policy/:name', () => ({ acknowledged: true }));
  on('PUT', '/_index_template/:name', () => ({ acknowledged: true }));
  const exists = (type: string) => () =>
    responseError(400, { error: { type: 'resource_already_exists_exception', reason: type }, status: 400 });
  on('PUT', '/_data_stream/:name', exists('data stream'));
  on('PUT', '/:index', exists('index'));
  const store = createElasticsearchStore({ client, ...opts });
  return {
    mock,
    client,
    calls,
    on,
    store,
    of: (method: string, path: string) => calls.filter((c) => c.method === method && c.path === path),
  };
}

export function responseError(statusCode: number, body: object): errors.ResponseError {
  return new errors.ResponseError({ body, statusCode, headers: {}, warnings: null, meta: {} } as never);
}

export const emptySearch = (hits: object[] = []) => ({
  took: 1,
  timed_out: false,
  _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
  hits: { total: { value: hits.length, relation: 'eq' }, max_score: null, hits },
});

export const aggregations = (aggs: object) => ({ ...emptySearch(), aggregations: aggs });

/** Bulk NDJSON lines as (action, document) pairs; a delete has no document. */
export function bulkPairs(
  lines: unknown,
): { action: Record<string, { _index?: string; _id?: string }>; doc?: object }[] {
  const xs = lines as Record<string, unknown>[];
  const out: { action: Record<string, { _index?: string; _id?: string }>; doc?: object }[] = [];
  for (let i = 0; i < xs.length;) {
    const action = xs[i] as Record<string, { _index?: string; _id?: string }>;
    if ('delete' in action) {
      out.push({ action });
      i += 1;
    } else {
      out.push({ action, doc: xs[i + 1] as object });
      i += 2;
    }
  }
  return out;
}

/** A bulk response answering each action of a request with the given status (default: success). */
export function bulkResponse(
  lines: unknown,
  status: (op: string, id: string) => number = (op) => (op === 'create' ? 201 : 200),
) {
  const items = bulkPairs(lines).map(({ action }) => {
    const op = Object.keys(action)[0]!;
    const id = action[op]!._id ?? '';
    const s = status(op, id);
    return {
      [op]: {
        _index: action[op]!._index,
        _id: id,
        status: s,
        ...(s >= 400
          ? {
              error: {
                type: s === 409 ? 'version_conflict_engine_exception' : 'es_rejected_execution_exception',
                reason: 'x',
              },
            }
          : { result: op === 'create' ? 'created' : op === 'delete' ? 'deleted' : 'updated' }),
      },
    };
  });
  return { took: 1, errors: items.some((it) => Object.values(it)[0]!.status >= 400), items };
}
