import type pg from 'pg';
import type { Logger } from 'pino';
import type { Db } from '../../../db/client.ts';
import type { EventStream } from '../stream/port.ts';
import { admission, type AdmissionOptions } from './admission.ts';
import { deadLetterStore } from './dead-letters.ts';
import { deviceClock } from './device-clock.ts';
import { createIngest } from './ingest.ts';
import type { IngestMeta, IngestResult } from './port.ts';
import { collectorRoutes } from './routes.ts';
import { statementReader } from './statements.ts';
import { xapiClientService } from './xapi-clients.ts';

export interface CollectorDeps {
  pool: pg.Pool;
  db: Db;
  stream: EventStream;
  logger: Logger;
  /** The server clock (tests pin it). */
  now?: () => Date;
  /** Told after every ingest call, e.g. to count collected / duplicate / dead-lettered events for /metrics. */
  onIngested?: (meta: IngestMeta, result: IngestResult) => void;
  /** Backpressure on the API sources (see admission.ts); none when left out. */
  admission?: AdmissionOptions;
}

/**
 * The analytics collector: the one `ingest` every source goes through (validation → dead letters, de-duplication
 * by statement id, publish to the stream, record), and its API sources: the desktop batch upload and the xAPI
 * Statements resource. Database and file sources (outbox relay, SQL poller, drop folder) call `ingest`.
 */
export function createCollectorModule(deps: CollectorDeps) {
  const now = deps.now ?? (() => new Date());
  const deadLetters = deadLetterStore(deps.pool, now);
  const onIngested = (meta: IngestMeta, r: IngestResult) => {
    if (r.rejected.length)
      deps.logger.debug(
        { source: meta.source, origin: meta.origin, rejected: r.rejected.length },
        'events dead-lettered',
      );
    deps.onIngested?.(meta, r);
  };
  const ingest = createIngest({ pool: deps.pool, stream: deps.stream, deadLetters, now, onIngested });
  const xapiClients = xapiClientService(deps.db);
  const statements = statementReader(deps.pool);
  const clock = deviceClock(deps.db);
  // The API sources are refused when the pipeline is full; the database and file sources wait their turn instead.
  const gated = deps.admission ? admission(ingest, deps.admission) : null;
  return {
    routes: collectorRoutes({
      ingest: gated?.ingest ?? ingest,
      deadLetters,
      clients: xapiClients,
      statements,
      clock,
      now,
    }),
    ingest,
    /** API requests refused with collector_busy so far. */
    refused: () => gated?.refused() ?? 0,
    /** The early refusal to mount ahead of body parsing (see admission.ts). */
    earlyMounts: gated ? [gated.early] : [],
    deadLetters,
    xapiClients,
    statements,
    deviceClock: clock,
  };
}
export type CollectorModule = ReturnType<typeof createCollectorModule>;
