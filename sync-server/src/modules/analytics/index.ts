import type { Logger } from 'pino';
import type pg from 'pg';
import { AnalyticsChangedEvent, type AnalyticsChanged, type LearningEvent } from '@lyceum/contracts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { Metrics } from '../../lib/metrics.ts';
import type { CatalogReader } from '../catalog/reader.ts';
import { insightsRoutes } from './api/routes.ts';
import { createCollectorModule } from './collector/index.ts';
import { PROCESSOR_GROUP, coursesOf, subscribeProcessor } from './processor/group.ts';
import { createProcessor } from './processor/index.ts';
import { statsRecorder } from './processor/stats.ts';
import { startProcessorThread, type ProcessorThread } from './processor/thread.ts';
import { createAnalyticsStore } from './store/index.ts';
import { createEventStream } from './stream/index.ts';
import { TOPICS, type Subscription } from './stream/port.ts';
import { analyticsVoiding, voidedFilter } from './voiding.ts';

export { PROCESSOR_GROUP } from './processor/group.ts';

export interface AnalyticsDeps {
  config: Config;
  pool: pg.Pool;
  /** Connections of the processor side (its stream consumers and the store); default: `pool`. */
  processorPool?: pg.Pool;
  /** The database's URL, for a processor thread's own connections (ANALYTICS_PROCESSOR=thread). */
  databaseUrl?: string;
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
    skip: voidedFilter(processorPool),
    onBatch: (report) => {
      metrics.analytics.processed.inc(report.inserted);
      for (const ms of report.latenciesMs) metrics.analytics.processingLatency.observe(ms / 1000);
    },
  });
  const changed = changeNotifier(d.emit);
  let subscriptions: Subscription[] = [];
  let thread: ProcessorThread | null = null;
  const threadStats = statsRecorder();

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
    /** Statements voided through the LRS leave every figure (voiding.ts). */
    voiding: analyticsVoiding({
      pool: processorPool,
      store,
      handleBatch: (events) => handle(events),
      logger: d.logger,
    }),
    /** Totals and latency of the processor running here: in the worker thread, or on this thread. */
    processorStats: () => (thread ? threadStats.snapshot() : processor.stats()),
    /**
     * Start consuming both topics in the processor group: in a worker thread of its own when ANALYTICS_PROCESSOR is
     * `thread` (the server's default) and the database URL is known, otherwise on this thread.
     */
    async startProcessor(): Promise<void> {
      processing = true;
      if (d.config.ANALYTICS_PROCESSOR === 'thread' && d.databaseUrl) {
        thread = await startProcessorThread({
          config: d.config,
          databaseUrl: d.databaseUrl,
          logger: d.logger,
          onBatch: (b) => {
            threadStats.record(b);
            if (!b.inserted) return;
            metrics.analytics.processed.inc(b.inserted);
            for (const ms of b.latenciesMs) metrics.analytics.processingLatency.observe(ms / 1000);
            changed.courses(b.inserted, b.courseIds);
          },
        });
        return;
      }
      subscriptions = await subscribeProcessor(consumerStream, handle, d.logger);
    },
    async close(): Promise<void> {
      processing = false;
      await thread?.stop();
      thread = null;
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
  const courses = (inserted: number, courseIds: Iterable<string>) => {
    pending ??= { events: 0, courses: new Set() };
    pending.events += inserted;
    for (const id of courseIds) pending.courses.add(id);
    timer ??= setTimeout(flush, gapMs);
  };
  const notify = (batch: readonly LearningEvent[], inserted: number) => courses(inserted, coursesOf(batch));
  return Object.assign(notify, {
    courses,
    flush: () => {
      if (timer) clearTimeout(timer);
      flush();
    },
  });
}
