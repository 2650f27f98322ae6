import path from 'node:path';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../../../../config.ts';
import type { Ingest } from '../port.ts';
import { loadSqlSources } from './config.ts';
import { startDropFolder, type DropFolder, type DropFolderOptions } from './drop-folder.ts';
import { emailResolver, type UserLookup } from './flat-event.ts';
import { startOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './outbox-relay.ts';
import { startSqlPoller, type SqlPoller } from './sql-poller.ts';

export { recordPlatformEvent, platformEvents, type OutboxTx, type PlatformStatement } from './outbox.ts';
export { loadSqlSources, SqlSourceConfig, type SqlMapping } from './config.ts';
export { FLAT_FIELDS } from './flat-event.ts';

export type SourcesConfig = Partial<
  Pick<
    Config,
    'ANALYTICS_OUTBOX_RELAY' | 'ANALYTICS_DROP_DIR' | 'ANALYTICS_SQL_SOURCES' | 'ANALYTICS_SQL_SOURCES_FILE'
  >
>;

export interface CollectorSourcesDeps {
  /** The platform database: the outbox, the checkpoints. */
  pool: pg.Pool;
  /** The collector's ingest. */
  ingest: Ingest;
  dataDir: string;
  config: SourcesConfig;
  logger: Logger;
  /** Turns emails in CSV files and SQL rows into Lyceum users (identity.accounts fits); without it they stay mbox. */
  users?: UserLookup;
  /** Overrides, mostly for tests. */
  outbox?: OutboxRelayOptions | false;
  dropFolder?: Partial<DropFolderOptions>;
}

export interface CollectorSources {
  relay: OutboxRelay | null;
  dropFolder: DropFolder | null;
  pollers: Map<string, SqlPoller>;
  stop(): Promise<void>;
}

/** The drop folder's path: ANALYTICS_DROP_DIR (relative to the data dir), `<dataDir>/analytics/inbox`, or null (off). */
export function dropDirOf(config: SourcesConfig, dataDir: string): string | null {
  const v = config.ANALYTICS_DROP_DIR?.trim();
  if (v === 'off') return null;
  return path.resolve(dataDir, v || path.join('analytics', 'inbox'));
}

/**
 * Start the collector's database and file sources: the outbox relay (platform events), one poller per configured SQL
 * table, and the drop folder watcher. Bad SQL source configuration throws here, at startup. Every process may run
 * them: the relay and pollers lock what they work on (SKIP LOCKED), the drop folder claims files by checksum.
 */
export function startCollectorSources(deps: CollectorSourcesDeps): CollectorSources {
  const sqlSources = loadSqlSources(deps.config);
  const log = deps.logger.child({ module: 'analytics-collector-sources' });
  const resolveEmails = emailResolver(deps.users);
  const relay =
    deps.outbox === false || deps.config.ANALYTICS_OUTBOX_RELAY === 'off'
      ? null
      : startOutboxRelay({ pool: deps.pool, ingest: deps.ingest, logger: log }, deps.outbox ?? {});
  const pollers = new Map<string, SqlPoller>();
  for (const s of sqlSources)
    pollers.set(
      s.name,
      startSqlPoller({ pool: deps.pool, ingest: deps.ingest, logger: log, resolveEmails }, s),
    );
  const dir = dropDirOf(deps.config, deps.dataDir);
  const dropFolder = dir
    ? startDropFolder(
        { pool: deps.pool, ingest: deps.ingest, logger: log, resolveEmails },
        { ...deps.dropFolder, dir: deps.dropFolder?.dir ?? dir },
      )
    : null;
  log.info(
    { outbox: relay !== null, sqlSources: [...pollers.keys()], dropDir: dir },
    'analytics collector sources started',
  );
  return {
    relay,
    dropFolder,
    pollers,
    async stop() {
      await Promise.all([relay?.stop(), dropFolder?.stop(), ...[...pollers.values()].map((p) => p.stop())]);
    },
  };
}
