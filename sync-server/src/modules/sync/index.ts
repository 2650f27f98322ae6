import os from 'node:os';
import type { ModuleDeps } from '../deps.ts';
import { createAppliers, type ApplierDeps } from './appliers.ts';
import { deviceService } from './devices.ts';
import { pruneChangeLog } from './prune.ts';
import { pullService } from './pull.ts';
import { pushService } from './push.ts';
import { syncRoutes } from './routes.ts';
import { changeSequencer, type SequencedBatch } from './sequencer.ts';
import { moduleSources, type SourceModules } from './sources.ts';

export type { SequencedBatch } from './sequencer.ts';

export interface SyncModuleDeps extends ModuleDeps {
  modules: SourceModules & ApplierDeps;
  /** How long numbered changes are kept (days); older cursors resync. Default 30. */
  retentionDays?: number;
  /** Pushes applied at once (each holds a connection); default 2 × CPU cores, at most half the pool. */
  pushConcurrency?: number;
  /** Sequencer period (ms); default 50. */
  sequencerIntervalMs?: number;
}

/** Sync protocol (ARCHITECTURE.md §4): change log + sequencer, pull, push, devices. */
export function createSyncModule(deps: SyncModuleDeps) {
  const listeners = new Set<(batch: SequencedBatch) => void>();
  const sequencer = changeSequencer(deps.pool, deps.logger, {
    intervalMs: deps.sequencerIntervalMs ?? 50,
    onSequenced: (batch) => {
      for (const l of listeners) l(batch);
    },
  });
  const sources = moduleSources(deps.modules);
  const pulls = pullService(deps.pool, sources);
  const devices = deviceService(deps.pool);
  const pushes = pushService(deps.pool, createAppliers(deps.modules), deps.logger, {
    // Pushes are CPU-bound (Node and PostgreSQL on the same cores): more at once only adds contention. Measured on
    // 2 cores: 4 at once 7.7k mutations/s, 10 at once 5-7k/s, 20 at once 4.2k/s.
    concurrency:
      deps.pushConcurrency ??
      Math.max(1, Math.min(Math.floor(deps.config.DB_POOL_SIZE / 2), 2 * os.availableParallelism())),
    onCommitted: () => sequencer.kick(),
  });
  const retentionMs = (deps.retentionDays ?? 30) * 86_400_000;
  let pruneTimer: NodeJS.Timeout | null = null;

  return {
    routes: syncRoutes(pulls, pushes, devices),
    pulls,
    pushes,
    sequencer,
    sources,
    /** Called with every batch of newly numbered changes (the socket gateway pokes clients). */
    onSequenced(listener: (batch: SequencedBatch) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Rooms a connected user's sockets belong to: their own, and one per course in their scope. */
    async roomsOf(userId: string): Promise<string[]> {
      return [`user:${userId}`, ...(await sources.coursesInScope(userId)).map((c) => `course:${c}`)];
    },
    prune: (olderThan = new Date(Date.now() - retentionMs)) => pruneChangeLog(deps.pool, olderThan),
    start(): void {
      sequencer.start();
      const prune = () => {
        pruneChangeLog(deps.pool, new Date(Date.now() - retentionMs)).catch((err: unknown) =>
          deps.logger.warn({ err }, 'change log pruning failed'),
        );
      };
      pruneTimer = setInterval(prune, 3_600_000);
      pruneTimer.unref();
    },
    async stop(): Promise<void> {
      if (pruneTimer) clearInterval(pruneTimer);
      await sequencer.stop();
    },
  };
}
export type SyncModule = ReturnType<typeof createSyncModule>;
