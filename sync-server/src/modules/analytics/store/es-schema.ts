import type { Client, estypes } from '@elastic/elasticsearch';
import { retry429 } from './es-query.ts';

/**
 * What the Elasticsearch adapter keeps, and how it is laid out.
 *
 * - FACTS: a data stream (`<prefix>-facts`), one document per event with `_id` = the event id, written with
 *   op_type create (a repeat is a 409: a duplicate). `@timestamp` is the EVENT time, so Kibana's time picker and the
 *   insights' ranges agree. Backing indices roll over daily or at 50 GB a primary shard, and are deleted after
 *   `retentionDays` (ILM policy `<prefix>-facts-policy`).
 * - SESSIONS: a plain index (`<prefix>-sessions`): sessions are rewritten and removed as late events merge them, which
 *   a data stream does not allow; the doc id is a hash of the session key.
 *
 * Both come from composable index templates, installed on first use (PUT is idempotent, so every process may do it).
 */
export interface IndexNames {
  facts: string;
  sessions: string;
  policy: string;
  factsTemplate: string;
  sessionsTemplate: string;
}

export const DEFAULT_PREFIX = 'lyceum-analytics';

export function indexNames(prefix = DEFAULT_PREFIX): IndexNames {
  return {
    facts: `${prefix}-facts`,
    sessions: `${prefix}-sessions`,
    policy: `${prefix}-facts-policy`,
    factsTemplate: `${prefix}-facts`,
    sessionsTemplate: `${prefix}-sessions`,
  };
}

/** The per-event counters of a fact (0 or 1 each), summed by the insights. */
export const COUNTERS = [
  'enrollments',
  'lesson_opens',
  'lesson_completions',
  'course_completions',
  'video_events',
  'quiz_answers',
  'quiz_correct',
  'quiz_attempts',
  'ratings',
] as const;
export type Counter = (typeof COUNTERS)[number];

const keyword = { type: 'keyword' } as const;
const millis = { type: 'date', format: 'epoch_millis||strict_date_optional_time' } as const;
const double = { type: 'double' } as const;

export const FACTS_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: false,
  properties: {
    '@timestamp': millis,
    event_id: keyword,
    actor: keyword,
    verb: keyword,
    course_id: keyword,
    lesson_id: keyword,
    question_id: keyword,
    stored: millis,
    source: keyword,
    learning: { type: 'boolean' },
    success: { type: 'boolean' },
    score_raw: double,
    rating: double,
    active_ms: { type: 'long' },
    position: double,
    video_length: double,
    video_pct: double,
    /** The event's watched segments (their union), each as "start|end" in seconds. */
    watched: keyword,
    n: { properties: Object.fromEntries(COUNTERS.map((c) => [c, { type: 'byte' }])) },
  },
};

export const SESSIONS_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: false,
  properties: {
    stream: keyword,
    actor: keyword,
    kind: keyword,
    course_id: keyword,
    lesson_id: keyword,
    started_at: millis,
    ended_at: millis,
    duration_ms: { type: 'long' },
    events: { type: 'long' },
    courses: keyword,
    position: double,
    position_at: millis,
    position_id: keyword,
    video_length: double,
    drop_bucket: { type: 'byte' },
  },
};

export function ilmPolicy(retentionDays: number): estypes.IlmPolicy {
  return {
    _meta: { managed_by: 'lyceum' },
    phases: {
      hot: { actions: { rollover: { max_age: '1d', max_primary_shard_size: '50gb' } } },
      delete: { min_age: `${retentionDays}d`, actions: { delete: {} } },
    },
  };
}

export function factsTemplate(names: IndexNames): estypes.IndicesPutIndexTemplateRequest {
  return {
    name: names.factsTemplate,
    index_patterns: [`${names.facts}*`],
    data_stream: {},
    priority: 200,
    _meta: { managed_by: 'lyceum', description: 'Lyceum learning events, one document per event' },
    template: {
      settings: { index: { lifecycle: { name: names.policy }, number_of_shards: 1, refresh_interval: '1s' } },
      mappings: FACTS_MAPPINGS,
    },
  };
}

export function sessionsTemplate(names: IndexNames): estypes.IndicesPutIndexTemplateRequest {
  return {
    name: names.sessionsTemplate,
    index_patterns: [names.sessions],
    priority: 200,
    _meta: { managed_by: 'lyceum', description: 'Lyceum learning and viewing sessions' },
    template: {
      settings: { index: { number_of_shards: 1, refresh_interval: '1s' } },
      mappings: SESSIONS_MAPPINGS,
    },
  };
}

const alreadyThere = (err: unknown) => {
  const e = err as { statusCode?: number; body?: { error?: { type?: string } } };
  return e.statusCode === 400 && e.body?.error?.type === 'resource_already_exists_exception';
};

/** Install the policy and templates, then create the data stream and the sessions index unless they exist. */
export async function installSchema(client: Client, names: IndexNames, retentionDays: number): Promise<void> {
  await retry429(() => client.ilm.putLifecycle({ name: names.policy, policy: ilmPolicy(retentionDays) }));
  await retry429(() => client.indices.putIndexTemplate(factsTemplate(names)));
  await retry429(() => client.indices.putIndexTemplate(sessionsTemplate(names)));
  await retry429(() => client.indices.createDataStream({ name: names.facts })).catch((err: unknown) => {
    if (!alreadyThere(err)) throw err;
  });
  await retry429(() => client.indices.create({ index: names.sessions })).catch((err: unknown) => {
    if (!alreadyThere(err)) throw err;
  });
}
