import { Client, errors } from '@elastic/elasticsearch';
import Mock from '@elastic/elasticsearch-mock';

/**
 * FOR TESTS ONLY — an in-memory evaluator of the SUBSET of the Elasticsearch API the analytics adapter uses, behind
 * @elastic/elasticsearch-mock, so the adapter's own logic (two-phase lookups, composite paging, the order of its
 * writes) runs end to end here. It is not Elasticsearch: the contract suite against a real cluster
 * (ELASTICSEARCH_URL) is what proves the adapter. Anything outside the subset throws, so the adapter cannot quietly
 * start relying on something this does not evaluate.
 *
 * Modelled: data streams (one backing index; only `create` may target the stream; `_id` unique per backing index),
 * plain indices, immediate visibility (refresh is a no-op), seq_no/primary_term; queries bool/term/terms/range/
 * exists/ids; sort, search_after, size, _source; aggregations composite/terms/filter/date_histogram (UTC days)/
 * sum/min/max/value_count/cardinality (exact)/top_hits.
 */
type Doc = Record<string, unknown>;
interface Stored {
  source: Doc;
  seqNo: number;
}
type Json = Record<string, unknown>;

const fail = (what: string): never => {
  throw new Error(`es-emulator: unsupported ${what}`);
};
const err = (status: number, type: string) =>
  new errors.ResponseError({
    body: { error: { type, reason: type }, status },
    statusCode: status,
    headers: {},
    warnings: null,
    meta: {},
  } as never);

function get(doc: Doc, path: string): unknown {
  let v: unknown = doc;
  for (const p of path.split('.')) v = v && typeof v === 'object' ? (v as Json)[p] : undefined;
  return v;
}
const values = (doc: Doc, field: string): unknown[] => {
  const v = get(doc, field);
  return v === null || v === undefined ? [] : Array.isArray(v) ? v : [v];
};
const cmp = (a: unknown, b: unknown): number => {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

function matches(doc: Doc, id: string, q: Json | undefined): boolean {
  if (!q) return true;
  const [kind, arg] = Object.entries(q)[0] ?? fail('empty query');
  const a = arg as Json;
  switch (kind) {
    case 'match_all':
      return true;
    case 'bool': {
      const all = [...((a.filter as Json[]) ?? []), ...((a.must as Json[]) ?? [])];
      if (!all.every((x) => matches(doc, id, x))) return false;
      if (((a.must_not as Json[]) ?? []).some((x) => matches(doc, id, x))) return false;
      const should = (a.should as Json[]) ?? [];
      const min = Number(a.minimum_should_match ?? (all.length ? 0 : should.length ? 1 : 0));
      return should.filter((x) => matches(doc, id, x)).length >= min;
    }
    case 'term': {
      const [field, value] = Object.entries(a)[0]!;
      return values(doc, field).some((v) => v === value);
    }
    case 'terms': {
      const [field, list] = Object.entries(a)[0]!;
      return values(doc, field).some((v) => (list as unknown[]).includes(v));
    }
    case 'exists':
      return values(doc, String(a.field)).length > 0;
    case 'ids':
      return (a.values as string[]).includes(id);
    case 'range': {
      const [field, b] = Object.entries(a)[0] as [string, Json];
      return values(doc, field).some(
        (v) =>
          (b.gt === undefined || cmp(v, b.gt) > 0) &&
          (b.gte === undefined || cmp(v, b.gte) >= 0) &&
          (b.lt === undefined || cmp(v, b.lt) < 0) &&
          (b.lte === undefined || cmp(v, b.lte) <= 0),
      );
    }
    default:
      return fail(`query ${kind}`);
  }
}

interface Hit {
  index: string;
  id: string;
  doc: Stored;
}
type SortSpec = [string, 1 | -1][];
const sortSpec = (sort: unknown): SortSpec =>
  ((sort as Json[] | undefined) ?? []).map((s) => {
    const [field, dir] = Object.entries(s)[0]!;
    return [field, (typeof dir === 'string' ? dir : (dir as Json).order) === 'desc' ? -1 : 1];
  });
const sortValues = (h: Hit, spec: SortSpec) => spec.map(([f]) => values(h.doc.source, f)[0] ?? null);
function compareBy(spec: SortSpec, x: unknown[], y: unknown[]): number {
  for (let i = 0; i < spec.length; i += 1) {
    const [a, b] = [x[i], y[i]];
    if (a === b) continue;
    if (a === null) return 1; // missing last, either direction
    if (b === null) return -1;
    const c = cmp(a, b) * spec[i]![1];
    if (c) return c;
  }
  return 0;
}
function project(source: Doc, spec: unknown): Doc | undefined {
  if (spec === false) return undefined;
  const includes = Array.isArray(spec)
    ? spec
    : ((spec as Json | undefined)?.includes as string[] | undefined);
  if (!includes) return source;
  return Object.fromEntries(includes.map((f) => [f, get(source, f)]));
}

function aggregate(hits: Hit[], aggs: Json | undefined): Json {
  const out: Json = {};
  for (const [name, def] of Object.entries(aggs ?? {})) {
    const { aggs: sub, ...rest } = def as Json;
    const [kind, a] = Object.entries(rest)[0] as [string, Json];
    const nums = () => hits.flatMap((h) => values(h.doc.source, String(a.field))).map(Number);
    switch (kind) {
      case 'filter': {
        const inner = hits.filter((h) => matches(h.doc.source, h.id, a));
        out[name] = { doc_count: inner.length, ...aggregate(inner, sub as Json) };
        break;
      }
      case 'sum':
        out[name] = { value: nums().reduce((s, x) => s + x, 0) };
        break;
      case 'min':
      case 'max': {
        const xs = nums();
        out[name] = { value: xs.length ? (kind === 'min' ? Math.min(...xs) : Math.max(...xs)) : null };
        break;
      }
      case 'value_count':
        out[name] = { value: nums().length };
        break;
      case 'cardinality':
        out[name] = { value: new Set(hits.flatMap((h) => values(h.doc.source, String(a.field)))).size };
        break;
      case 'top_hits': {
        const spec = sortSpec(a.sort);
        const sorted = [...hits].sort((x, y) => compareBy(spec, sortValues(x, spec), sortValues(y, spec)));
        out[name] = {
          hits: {
            total: { value: hits.length, relation: 'eq' },
            hits: sorted
              .slice(0, Number(a.size ?? 3))
              .map((h) => ({ _index: h.index, _id: h.id, _source: project(h.doc.source, a._source) })),
          },
        };
        break;
      }
      case 'terms':
      case 'date_histogram': {
        const groups = new Map<string, { key: unknown; hits: Hit[] }>();
        for (const h of hits)
          for (const v of values(h.doc.source, String(a.field))) {
            if (
              kind === 'date_histogram' &&
              (a.calendar_interval !== 'day' || (a.time_zone ?? 'UTC') !== 'UTC')
            )
              fail('date_histogram other than UTC days');
            const key = kind === 'terms' ? v : Math.floor(Number(v) / 86_400_000) * 86_400_000;
            const g = groups.get(String(key)) ?? { key, hits: [] };
            g.hits.push(h);
            groups.set(String(key), g);
          }
        let buckets = [...groups.values()];
        buckets =
          kind === 'terms'
            ? buckets
                .sort((x, y) => y.hits.length - x.hits.length || cmp(x.key, y.key))
                .slice(0, Number(a.size ?? 10))
            : buckets.sort((x, y) => cmp(x.key, y.key));
        out[name] = {
          buckets: buckets.map((g) => ({
            key: g.key,
            doc_count: g.hits.length,
            ...aggregate(g.hits, sub as Json),
          })),
        };
        break;
      }
      case 'composite': {
        const sources = (a.sources as Json[]).map((s) => {
          const [key, def2] = Object.entries(s)[0] as [string, Json];
          const t = (def2.terms as Json | undefined) ?? fail(`composite source ${Object.keys(def2)[0]}`);
          return { key, field: String(t.field), missing: t.missing_bucket === true };
        });
        const groups = new Map<string, { key: Record<string, unknown>; hits: Hit[] }>();
        for (const h of hits) {
          let keys: Record<string, unknown>[] = [{}];
          for (const s of sources) {
            const vs: unknown[] = values(h.doc.source, s.field);
            const opts = vs.length ? vs : s.missing ? [null] : [];
            keys = keys.flatMap((k) => opts.map((v) => ({ ...k, [s.key]: v })));
          }
          for (const key of keys) {
            const g = groups.get(JSON.stringify(key)) ?? { key, hits: [] };
            g.hits.push(h);
            groups.set(JSON.stringify(key), g);
          }
        }
        const order = (x: Record<string, unknown>, y: Record<string, unknown>) => {
          for (const s of sources) {
            const [p, q] = [x[s.key], y[s.key]];
            if (p === q) continue;
            if (p === null) return -1; // missing first in ascending order
            if (q === null) return 1;
            return cmp(p, q);
          }
          return 0;
        };
        const after = a.after as Record<string, unknown> | undefined;
        const page = [...groups.values()]
          .sort((x, y) => order(x.key, y.key))
          .filter((g) => !after || order(g.key, after) > 0)
          .slice(0, Number(a.size ?? 10));
        out[name] = {
          buckets: page.map((g) => ({
            key: g.key,
            doc_count: g.hits.length,
            ...aggregate(g.hits, sub as Json),
          })),
          ...(page.length ? { after_key: page[page.length - 1]!.key } : {}),
        };
        break;
      }
      default:
        fail(`aggregation ${kind}`);
    }
  }
  return out;
}

export interface EmulatorFaults {
  /** Answer this create with 503 (a shard unavailable) instead of performing it. */
  failCreate?: (id: string) => boolean;
}

export function emulatedElasticsearch(faults: EmulatorFaults = {}) {
  const mock = new Mock();
  const streams = new Map<string, string>(); // data stream → its backing index
  const indices = new Map<string, Map<string, Stored>>();
  let seqNo = 0;
  const resolve = (target: string): string[] =>
    streams.has(target) ? [streams.get(target)!] : indices.has(target) ? [target] : fail(`target ${target}`);

  function search(target: string, body: Json): Json {
    const spec = sortSpec(body.sort);
    let hits: Hit[] = [];
    for (const index of resolve(target))
      for (const [id, doc] of indices.get(index)!)
        if (matches(doc.source, id, body.query as Json)) hits.push({ index, id, doc });
    const total = hits.length;
    if (spec.length) hits.sort((x, y) => compareBy(spec, sortValues(x, spec), sortValues(y, spec)));
    const after = body.search_after as unknown[] | undefined;
    if (after) hits = hits.filter((h) => compareBy(spec, sortValues(h, spec), after) > 0);
    const size = Number(body.size ?? 10);
    return {
      took: 1,
      timed_out: false,
      hits: {
        total: { value: total, relation: 'eq' },
        hits: hits.slice(0, size).map((h) => ({
          _index: h.index,
          _id: h.id,
          ...(body._source === false ? {} : { _source: project(h.doc.source, body._source) }),
          ...(body.seq_no_primary_term ? { _seq_no: h.doc.seqNo, _primary_term: 1 } : {}),
          ...(spec.length ? { sort: sortValues(h, spec) } : {}),
        })),
      },
      ...(body.aggs ? { aggregations: aggregate(hits, body.aggs as Json) } : {}),
    };
  }

  function bulk(lines: Json[]): Json {
    const items: Json[] = [];
    for (let i = 0; i < lines.length;) {
      const [op, meta] = Object.entries(lines[i]!)[0] as [string, Json];
      const doc = op === 'delete' ? undefined : (lines[i + 1] as Doc);
      i += op === 'delete' ? 1 : 2;
      const target = String(meta._index);
      const id = String(meta._id);
      const item = (status: number, extra: Json = {}) =>
        items.push({ [op]: { _index: target, _id: id, status, ...extra } });
      if (streams.has(target) && op !== 'create') {
        item(400, { error: { type: 'illegal_argument_exception', reason: 'only create on a data stream' } });
        continue;
      }
      const index = resolve(target)[0]!;
      const docs = indices.get(index)!;
      const current = docs.get(id);
      if (op === 'delete') {
        if (current) docs.delete(id);
        item(current ? 200 : 404);
      } else if (op === 'create' && faults.failCreate?.(id))
        item(503, { error: { type: 'unavailable_shards_exception', reason: id } });
      else if (op === 'create' && current)
        item(409, { error: { type: 'version_conflict_engine_exception', reason: id } });
      else if (op === 'index' && meta.if_seq_no !== undefined && current?.seqNo !== meta.if_seq_no)
        item(409, { error: { type: 'version_conflict_engine_exception', reason: id } });
      else if (op === 'create' || op === 'index') {
        docs.set(id, { source: structuredClone(doc!), seqNo: ++seqNo });
        item(current ? 200 : 201, { result: current ? 'updated' : 'created' });
      } else fail(`bulk ${op}`);
    }
    return { took: 1, errors: items.some((x) => Number((Object.values(x)[0] as Json).status) >= 300), items };
  }

  const ack = () => ({ acknowledged: true });
  mock.add({ method: 'PUT', path: '/_ilm/policy/:name' }, ack);
  mock.add({ method: 'PUT', path: '/_index_template/:name' }, ack);
  mock.add({ method: 'PUT', path: '/_data_stream/:name' }, (p) => {
    const name = String(p.path).split('/').pop()!;
    if (streams.has(name)) return err(400, 'resource_already_exists_exception');
    streams.set(name, `.ds-${name}-000001`);
    indices.set(`.ds-${name}-000001`, new Map());
    return ack();
  });
  mock.add({ method: 'PUT', path: '/:index' }, (p) => {
    const name = String(p.path).slice(1);
    if (indices.has(name)) return err(400, 'resource_already_exists_exception');
    indices.set(name, new Map());
    return ack();
  });
  mock.add({ method: 'DELETE', path: '/_data_stream/:name' }, (p) => {
    const name = String(p.path).split('/').pop()!;
    const backing = streams.get(name);
    if (!backing) return err(404, 'index_not_found_exception');
    streams.delete(name);
    indices.delete(backing);
    return ack();
  });
  mock.add({ method: 'DELETE', path: '/:index' }, (p) => {
    const name = decodeURIComponent(String(p.path).slice(1));
    if (!indices.delete(name)) return err(404, 'index_not_found_exception');
    return ack();
  });
  const target = (p: { path: string | string[] }) => decodeURIComponent(String(p.path).split('/')[1]!);
  mock.add({ method: ['POST', 'GET'], path: '/:index/_search' }, (p) =>
    search(target(p), (p.body ?? {}) as Json),
  );
  mock.add({ method: ['POST', 'GET'], path: '/:index/_count' }, (p) => {
    const hits = search(target(p), { ...((p.body ?? {}) as Json), size: 0 }).hits as {
      total: { value: number };
    };
    return { count: hits.total.value };
  });
  mock.add({ method: ['POST', 'GET'], path: '/_msearch' }, (p) => {
    const lines = p.body as Json[];
    const responses: Json[] = [];
    for (let i = 0; i < lines.length; i += 2)
      responses.push({ ...search(String(lines[i]!.index), lines[i + 1]!), status: 200 });
    return { took: 1, responses };
  });
  mock.add({ method: ['POST', 'PUT'], path: '/_bulk' }, (p) => bulk(p.body as Json[]));

  const client = new Client({ node: 'http://emulated-elasticsearch:9200', Connection: mock.getConnection() });
  return { client, indices, streams };
}
