import type { Logger } from 'pino';
import type pg from 'pg';
import { AnalyticsChangedEvent, type AnalyticsChanged, type LearningEvent } from '@lyceum/contracts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { Metrics } from '../../lib/metrics.ts';
import type { CatalogReader } from '../catalog/reader.ts';
import { insightsRoutes } from './api/routes.ts';
import { createCollectorModule } from './collector/index.ts';
import { createProcessor } from './processor/index.ts';
import { createAnalyticsStore } from './store/index.ts';
import { createEventStream } from './stream/index.ts';
import { TOPICS, type Subscription } from './stream/port.ts';

export const PROCESSOR_GROUP = 'analytics-processor';
const PROCESSOR_MAX_BATCH = 20_000;

export interface AnalyticsDeps {
  config: Config;
  pool: pg.Pool;
  /** Connections of the processor side (its stream consumers and the store); default: `pool`. */
  processorPool?: pg.Pool;
  db: Db;
  logger: Logger;
  metrics: Metrics;
  catalog: Pick<CatalogReader, 'getStructure' | 'isInstructor'>;
  userNames: (ids: string[]) => Promise<Map<string, string>>;
  /** Tell dashboards the figures changed (socket.io rooms: admins, and each course's instructors). */
  emit?: (rooms: string[], event: string, payload: AnalyticsChanged) => void;
}

/**
 * The analytics pipeline, composed: collector (APIs; database and file sources) → stream (PostgreSQL log or Kafka)
 * → processor (event time, idempotent) → store (PostgreSQL rollups or Elasticsearch) → insights API and live pushes.
 * The processor runs in this process unless ANALYTICS_PROCESSOR=off (API nodes of a scaled deployment), where
 * `npm run processor` runs it alone.
 */
export function createAnalyticsModule(d: AnalyticsDeps) {
  const { metrics } = d;
  const stream = createEventStream(d.config, d.pool, d.logger);
  const processorPool = d.processorPool ?? d.pool;
  // Consumers read through their own stream instance on the processor's connections (same log, same groups).
  const consumerStream =
    processorPool === d.pool ? stream : createEventStream(d.config, processorPool, d.logger);
  const store = createAnalyticsStore(d.config, processorPool, d.logger);
  let processing = false;
  const collector = createCollectorModule({
    pool: d.pool,
    db: d.db,
    stream,
    logger: d.logger,
    admission: {
      maxInflight: d.config.ANALYTICS_MAX_INFLIGHT,
      // The lag gauge only where the processor runs in this process: elsewhere the stream buffers for processors
      // that may be down or scaling out, which is what it is for.
      maxLag: d.config.ANALYTICS_MAX_LAG,
      lag: () => (processing ? stream.lag(TOPICS.learning, PROCESSOR_GROUP) : Promise.resolve(0)),
    },
    onIngested: (meta, r) => {
      if (r.accepted) metrics.analytics.collected.inc({ source: meta.source }, r.accepted);
      if (r.duplicates) metrics.analytics.duplicates.inc({ source: meta.source }, r.duplicates);
      if (r.rejected.length) metrics.analytics.deadLettered.inc({ source: meta.source }, r.rejected.length);
    },
  });
  const processor = createProcessor({
    store,
    onBatch: (report) => {
      metrics.analytics.processed.inc(report.inserted);
      for (const ms of report.latenciesMs) metrics.analytics.processingLatency.observe(ms / 1000);
    },
  });
  const changed = changeNotifier(d.emit);
  let subscriptions: Subscription[] = [];

  metrics.onScrape(async () => {
    for (const topic of Object.values(TOPICS))
      metrics.analytics.streamLag.set(
        { topic, group: PROCESSOR_GROUP },
        await stream.lag(topic, PROCESSOR_GROUP),
      );
  });

  async function handle(batch: LearningEvent[]): Promise<void> {
    const report = await processor.handleBatch(batch);
    if (report.inserted) changed(batch, report.inserted);
  }

  return {
    routes: [
      ...collector.routes,
      ...insightsRoutes({
        store,
        isInstructor: (courseId, userId) => d.catalog.isInstructor(courseId, userId),
        catalog: d.catalog,
        userNames: d.userNames,
      }),
    ],
    stream,
    store,
    collector,
    processor,
    /** Start consuming both topics in the processor group. */
    async startProcessor(): Promise<void> {
      processing = true;
      subscriptions = await Promise.all(
        Object.values(TOPICS).map((topic) =>
          consumerStream.subscribe(topic, PROCESSOR_GROUP, handle, {
            // Large batches when behind: a learner's per-batch work (timeline, sessions, rollup rows) is shared by
            // all of their events in the batch, so catching up gets cheaper per event; an idle stream still hands
            // over each event as it arrives.
            maxBatch: PROCESSOR_MAX_BATCH,
            onError: (err) =>
              d.logger.warn({ err, topic }, 'analytics batch failed; it will be delivered again'),
          }),
        ),
      );
    },
    async close(): Promise<void> {
      processing = false;
      await Promise.all(subscriptions.map((s) => s.stop()));
      subscriptions = [];
      changed.flush();
      if (consumerStream !== stream) await consumerStream.close();
      await stream.close();
      await store.close();
    },
  };
}
export type AnalyticsModule = ReturnType<typeof createAnalyticsModule>;

/**
 * Coalesce "figures changed" pushes: at most one every 250 ms per process, naming the courses touched, to the admins
 * and to each course's instructors (a dashboard updates within a second of a batch being committed).
 */
function changeNotifier(emit: AnalyticsDeps['emit'], gapMs = 250) {
  let pending: { events: number; courses: Set<string> } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    if (!pending || !emit) return;
    const courseIds = [...pending.courses];
    const payload: AnalyticsChanged = { at: new Date().toISOString(), events: pending.events, courseIds };
    pending = null;
    emit(['role:admin', ...courseIds.map((id) => `instructors:${id}`)], AnalyticsChangedEvent, payload);
  };
  const notify = (batch: readonly LearningEvent[], inserted: number) => {
    pending ??= { events: 0, courses: new Set() };
    pending.events += inserted;
    for (const e of batch) if (e.courseId) pending.courses.add(e.courseId);
    timer ??= setTimeout(flush, gapMs);
  };
  return Object.assign(notify, {
    flush: () => {
      if (timer) clearTimeout(timer);
      flush();
    },
  });
}
