import type pg from 'pg';
import type { AnyRoute } from '../../http/route.ts';
import type { CollectorModule } from '../analytics/collector/index.ts';
import type { ContentStorage } from '../content/storage.ts';
import { directoryRoutes } from './directory/routes.ts';
import { documentRoutes } from './documents/routes.ts';
import { documentStore } from './documents/store.ts';
import { lrsGate, lrsHeaders } from './gate.ts';
import { lrsEarly } from './http/early.ts';
import { statementRoutes } from './statements/routes.ts';
import { statementService } from './statements/service.ts';
import { statementStore } from './statements/store.ts';

export { XAPI_VERSION } from './gate.ts';
/** Canonical Activity definitions (the Activities resource), for `format=canonical`. */
export { canonicalDefinitions } from './directory/definitions.ts';

export interface LrsDeps {
  pool: pg.Pool;
  collector: CollectorModule;
  /** Where attachments' bytes are kept (the content storage port: filesystem or S3). */
  storage: ContentStorage;
  /** The LRS's home page, for the authority agents it writes (accounts of xAPI clients). */
  homePage: () => string;
  /** Told the ids of statements newly voided, after their commit: the analytics correction. */
  onVoided?: (ids: string[]) => Promise<void>;
  now?: () => Date;
}

/**
 * The xAPI 1.0.3 Learning Record Store under /xapi: Statements (statements/), and beside them the document
 * resources, Agents, Activities and About. Routes are declared here; statements the analytics pipeline understands
 * are handed to its collector.
 */
export function createLrsModule(d: LrsDeps) {
  const now = d.now ?? (() => new Date());
  const gate = lrsGate(d.collector.xapiClients, d.homePage);
  const store = statementStore(d.pool);
  const statements = statementService({
    store,
    collector: d.collector,
    storage: d.storage,
    now,
    ...(d.onVoided ? { onVoided: d.onVoided } : {}),
  });
  const documents = documentStore(d.pool, now);
  const routes: AnyRoute[] = [
    ...statementRoutes({ gate, service: statements, store, storage: d.storage }),
    ...documentRoutes({ gate, store: documents }),
    ...directoryRoutes({ gate, pool: d.pool, homePage: d.homePage }),
  ];
  return {
    routes,
    /**
     * Mounted ahead of body parsing: the xAPI headers on every answer; CORS, the alternate request syntax
     * (`?method=`) and raw document bodies.
     */
    earlyMounts: [
      { path: '/xapi', router: lrsHeaders(now) },
      { path: '/xapi', router: lrsEarly() },
    ],
    gate,
    statements,
    store,
    documents,
  };
}
export type LrsModule = ReturnType<typeof createLrsModule>;
