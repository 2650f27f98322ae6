import { describe, expect, it } from 'vitest';
import { createProcessor } from '../processor/index.ts';
import { learningEvent } from '../processor/test-events.ts';
import { A, A1, DAY1, range } from '../processor/test-scenario.ts';
import { keyedLocks } from './elasticsearch.ts';
import { sessionId } from './es-docs.ts';
import {
  aggregations,
  bulkPairs,
  bulkResponse,
  emptySearch,
  mockedElasticsearch,
  responseError,
  type Recorded,
} from './es-test-mock.ts';

/**
 * Request shapes of the Elasticsearch adapter, against @elastic/elasticsearch-mock (no Elasticsearch runs here; the
 * store contract suite runs the adapter against a real cluster when ELASTICSEARCH_URL is set).
 */
const at = (hhmm: string) => `${DAY1}T${hhmm}:00.000Z`;
const lessonEvent = (hhmm: string, verb: 'opened' | 'completed' = 'opened') =>
  learningEvent({ actor: 's1', verb, at: at(hhmm), course: A, lesson: A1 });

/** Answers the reads of an ingest with "nothing stored", except the ids listed as stored already. */
function emptyStore(m: ReturnType<typeof mockedElasticsearch>, storedIds: string[] = []) {
  m.on('POST', '/_msearch', (req) => ({
    took: 1,
    responses: (req.body as unknown[])
      .filter((_, i) => i % 2 === 1)
      .map(() => ({ ...emptySearch(), status: 200 })),
  }));
  m.on('POST', '/lyceum-analytics-facts/_search', (req) => {
    const ids = ((req.body as { query?: { ids?: { values: string[] } } }).query?.ids?.values ?? []).filter(
      (id) => storedIds.includes(id),
    );
    return emptySearch(
      ids.map((id) => ({ _index: '.ds-lyceum-analytics-facts-2026.03.02-000001', _id: id })),
    );
  });
  m.on('POST', '/lyceum-analytics-sessions/_search', () => emptySearch());
}

describe('Elasticsearch store: index templates and lifecycle policy', () => {
  it('installs the ILM policy, both templates, the data stream and the sessions index once, idempotently', async () => {
    const m = mockedElasticsearch({ retentionDays: 90 });
    m.on('POST', '/lyceum-analytics-facts/_search', () => aggregations({}));
    await m.store.daily(range(DAY1, '2026-03-03'));
    await m.store.daily(range(DAY1, '2026-03-03'));

    const [policy] = m.of('PUT', '/_ilm/policy/lyceum-analytics-facts-policy');
    expect(m.of('PUT', '/_ilm/policy/lyceum-analytics-facts-policy')).toHaveLength(1);
    expect(policy!.body).toEqual({
      policy: {
        _meta: { managed_by: 'lyceum' },
        phases: {
          hot: { actions: { rollover: { max_age: '1d', max_primary_shard_size: '50gb' } } },
          delete: { min_age: '90d', actions: { delete: {} } },
        },
      },
    });

    const facts = m.of('PUT', '/_index_template/lyceum-analytics-facts')[0]!.body as {
      index_patterns: string[];
      data_stream: object;
      priority: number;
      template: {
        settings: { index: { lifecycle: { name: string } } };
        mappings: { properties: Record<string, object> };
      };
    };
    expect(facts.index_patterns).toEqual(['lyceum-analytics-facts*']);
    expect(facts.data_stream).toEqual({});
    expect(facts.priority).toBeGreaterThan(100); // above Elasticsearch's built-in templates
    expect(facts.template.settings.index.lifecycle.name).toBe('lyceum-analytics-facts-policy');
    const props = facts.template.mappings.properties;
    expect(props['@timestamp']).toMatchObject({ type: 'date' });
    for (const f of ['event_id', 'actor', 'course_id', 'lesson_id', 'question_id', 'verb', 'watched'])
      expect(props[f], f).toEqual({ type: 'keyword' });
    expect(props.active_ms).toEqual({ type: 'long' });
    expect(props.n).toMatchObject({
      properties: { quiz_answers: { type: 'byte' }, ratings: { type: 'byte' } },
    });

    const sessions = m.of('PUT', '/_index_template/lyceum-analytics-sessions')[0]!.body as {
      index_patterns: string[];
      data_stream?: object;
      template: { mappings: { properties: Record<string, object> } };
    };
    expect(sessions.index_patterns).toEqual(['lyceum-analytics-sessions']);
    expect(sessions.data_stream).toBeUndefined();
    expect(sessions.template.mappings.properties).toMatchObject({
      stream: { type: 'keyword' },
      started_at: { type: 'date' },
      courses: { type: 'keyword' },
      drop_bucket: { type: 'byte' },
    });
    // "Already exists" answers are fine; the second read installed nothing again.
    expect(m.of('PUT', '/_data_stream/lyceum-analytics-facts')).toHaveLength(1);
    expect(m.of('PUT', '/lyceum-analytics-sessions')).toHaveLength(1);
  });

  it('tries the installation again on the next call after a failure', async () => {
    const m = mockedElasticsearch();
    let fail = true;
    m.mock.clear({ method: 'PUT', path: '/_ilm/policy/:name' });
    m.on('PUT', '/_ilm/policy/:name', () =>
      fail
        ? responseError(403, { error: { type: 'security_exception', reason: 'no' }, status: 403 })
        : { acknowledged: true },
    );
    m.on('POST', '/lyceum-analytics-facts/_search', () => aggregations({}));
    await expect(m.store.daily(range(DAY1, '2026-03-03'))).rejects.toThrow(/security_exception/);
    fail = false;
    await expect(m.store.daily(range(DAY1, '2026-03-03'))).resolves.toHaveLength(1);
  });
});

describe('Elasticsearch store: bulk writes', () => {
  it('creates one document per event with _id = event id, and counts a 409 as a duplicate', async () => {
    const m = mockedElasticsearch();
    const platform = learningEvent({ actor: 'system', verb: 'published', at: at('08:00'), course: A });
    const [e1, e2, e3] = [lessonEvent('09:00'), lessonEvent('09:05'), lessonEvent('09:10', 'completed')];
    emptyStore(m, [platform.id]);
    const bulks: Recorded[] = [];
    m.on('POST', '/_bulk', (req) => {
      bulks.push(req);
      // Another writer stored e3 meanwhile: 409.
      return bulkResponse(req.body, (_op, id) => (id === e3!.id ? 409 : _op === 'create' ? 201 : 200));
    });
    const report = await createProcessor({ store: m.store }).handleBatch([e1!, e2!, e3!, platform]);
    expect(report).toMatchObject({ received: 4, inserted: 2, duplicates: 2 });

    // The stored platform event was looked up by id, and not sent again.
    const lookup = m.of('POST', '/lyceum-analytics-facts/_search')[0]!.body as { query: object };
    expect(lookup.query).toEqual({ ids: { values: [e1!.id, e2!.id, e3!.id, platform.id] } });

    expect(bulks).toHaveLength(2);
    // First the session (one learning and one viewing... here: one learning session), visible at once.
    const [sessions, facts] = bulks;
    expect(sessions!.querystring).toMatchObject({ refresh: 'true' });
    const sessionOps = bulkPairs(sessions!.body);
    expect(sessionOps.map((p) => p.action)).toEqual([
      {
        index: {
          _index: 'lyceum-analytics-sessions',
          _id: sessionId({
            actor: 's1',
            kind: 'learning',
            courseId: '',
            lessonId: '',
            startedAt: Date.parse(at('09:00')),
          }),
        },
      },
    ]);
    expect(sessionOps[0]!.doc).toMatchObject({
      kind: 'learning',
      events: 3,
      duration_ms: 600_000,
      courses: [A],
    });

    // Then the facts: op_type create into the data stream, refresh=wait_for.
    expect(facts!.querystring).toMatchObject({ refresh: 'wait_for' });
    const factOps = bulkPairs(facts!.body);
    expect(factOps.map((p) => p.action)).toEqual(
      [e1!, e2!, e3!].map((e) => ({ create: { _index: 'lyceum-analytics-facts', _id: e.id.toLowerCase() } })),
    );
    expect(factOps[0]!.doc).toMatchObject({
      '@timestamp': Date.parse(at('09:00')),
      event_id: e1!.id.toLowerCase(),
      actor: 's1',
      verb: 'opened',
      course_id: A,
      lesson_id: A1,
      learning: true,
      active_ms: 300_000,
      n: { lesson_opens: 1, lesson_completions: 0, quiz_answers: 0 },
    });
    expect(factOps[2]!.doc).toMatchObject({ active_ms: 0, n: { lesson_completions: 1, lesson_opens: 0 } });
  });

  it('a stored learning event the timeline did not show is stale: nothing is written, the batch goes again', async () => {
    const m = mockedElasticsearch();
    const [e1, e2] = [lessonEvent('09:00'), lessonEvent('09:05')];
    emptyStore(m, [e1!.id.toLowerCase()]);
    const bulks: Recorded[] = [];
    m.on('POST', '/_bulk', (req) => {
      bulks.push(req);
      return bulkResponse(req.body);
    });
    const report = await createProcessor({ store: m.store }).handleBatch([e1!, e2!]);
    expect(report).toMatchObject({ inserted: 1, duplicates: 1 });
    const created = bulks.flatMap((b) => bulkPairs(b.body)).filter((p) => 'create' in p.action);
    expect(created.map((p) => p.action.create!._id)).toEqual([e2!.id.toLowerCase()]);
  });

  it('retries documents answered 429, and whole requests answered 429', async () => {
    const m = mockedElasticsearch();
    const [e1, e2] = [lessonEvent('09:00'), lessonEvent('09:05')];
    emptyStore(m);
    const factBulks: Recorded[] = [];
    let requestRejected = false;
    m.on('POST', '/_bulk', (req) => {
      const pairs = bulkPairs(req.body);
      if (!pairs.some((p) => 'create' in p.action)) return bulkResponse(req.body);
      factBulks.push(req);
      if (!requestRejected) {
        requestRejected = true;
        return responseError(429, {
          error: { type: 'es_rejected_execution_exception', reason: 'queue full' },
          status: 429,
        });
      }
      // The first document is rejected once (its queue was full), the second is accepted.
      return bulkResponse(req.body, (_op, id) =>
        id === e1!.id.toLowerCase() && factBulks.length === 2 ? 429 : 201,
      );
    });
    const report = await createProcessor({ store: m.store }).handleBatch([e1!, e2!]);
    expect(report).toMatchObject({ inserted: 2, duplicates: 0 });
    const ids = factBulks.map((b) => bulkPairs(b.body).map((p) => p.action.create!._id));
    expect(ids).toEqual([
      [e1!.id.toLowerCase(), e2!.id.toLowerCase()], // rejected as a whole
      [e1!.id.toLowerCase(), e2!.id.toLowerCase()], // e1 answered 429
      [e1!.id.toLowerCase()], // e1 alone, retried by the bulk helper
    ]);
  }, 15_000);
});

describe('Elasticsearch store: per-actor serialisation', () => {
  it('runs units of work on the same actors one after another, others alongside', async () => {
    const locks = keyedLocks();
    const order: string[] = [];
    const run = async (name: string, keys: string[], ms: number) => {
      const release = await locks.acquire(keys);
      order.push(`${name}+`);
      await new Promise((r) => setTimeout(r, ms));
      order.push(`${name}-`);
      release();
    };
    await Promise.all([run('a', ['x', 'y'], 30), run('b', ['y', 'x'], 5), run('c', ['z'], 5)]);
    // b waits for a (they share actors, in any order, without deadlock); c does not.
    expect(order.indexOf('b+')).toBeGreaterThan(order.indexOf('a-'));
    expect(order.indexOf('c-')).toBeLessThan(order.indexOf('a-'));
    expect(locks.size).toBe(0);
  });
});
