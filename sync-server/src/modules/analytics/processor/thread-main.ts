// The analytics processor in a worker thread of the sync server (ANALYTICS_PROCESSOR=thread): its own event loop and
// connections, so collecting (HTTP parsing, validation) and processing no longer take turns on one thread.
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../../../config.ts';
import { connectDatabase } from '../../../db/client.ts';
import { retryWhileUnavailable, surviveDatabaseOutages } from '../../../db/errors.ts';
import { createLogger, type LogSettings } from '../../../runtime/logger.ts';
import { createAnalyticsStore } from '../store/index.ts';
import { createEventStream } from '../stream/index.ts';
import { coursesOf, subscribeProcessor, type CommittedBatch } from './group.ts';
import { createProcessor } from './index.ts';
import { voidedFilter } from '../voiding.ts';

export interface ThreadData {
  config: Config;
  databaseUrl: string;
  /** The server's log settings (a worker's stdout is not the terminal, so it cannot tell by itself). */
  log: LogSettings;
}
export type ToThread = { type: 'stop' };
export type FromThread = { type: 'ready' } | { type: 'stopped' } | ({ type: 'batch' } & CommittedBatch);

const port = parentPort!;
const { config, databaseUrl, log } = workerData as ThreadData;
const post = (m: FromThread) => port.postMessage(m);
const logger = createLogger(log).child({ component: 'analytics-processor-thread' });
// A consumer that lost the database during an outage tries again; the thread must not die of it.
surviveDatabaseOutages(logger);
const database = connectDatabase(databaseUrl, 4);
const stream = createEventStream(config, database.pool, logger);
const store = createAnalyticsStore(config, database.pool, logger);
const processor = createProcessor({ store, skip: voidedFilter(database.pool) });

// Joining races a database outage at start-up (the server answers before this thread is ready): try again.
const subscriptions = await retryWhileUnavailable(
  () =>
    subscribeProcessor(
      stream,
      async (batch) => {
        const r = await processor.handleBatch(batch);
        post({ type: 'batch', ...r, courseIds: r.inserted ? coursesOf(batch) : [] });
      },
      logger,
    ),
  logger,
  'joining the processor group',
);
port.on('message', (m: ToThread) => {
  if (m.type !== 'stop') return;
  void (async () => {
    await Promise.all(subscriptions.map((s) => s.stop()));
    await stream.close();
    await store.close();
    await database.close();
    post({ type: 'stopped' });
  })();
});
post({ type: 'ready' });
