import type pg from 'pg';
import type { Logger } from 'pino';

/**
 * The catalog version: a generation number for in-process caches. It moves on this node's own course changes at once,
 * and on other nodes' changes within `pollMs`, by polling the shared counter in catalog_state (one tiny query per
 * interval, only while searches come in). Listeners drop their caches when it moves.
 */
export function catalogVersion(pool: pg.Pool, logger: Pick<Logger, 'warn'>, pollMs = 1000) {
  let generation = 0;
  let seen: string | null = null;
  let lastPoll = 0;
  let polling = false;
  const listeners: (() => void)[] = [];

  const advance = () => {
    generation += 1;
    for (const l of listeners) l();
  };

  return {
    current: () => generation,
    onChange(listener: () => void): void {
      listeners.push(listener);
    },
    /** A course changed here: move now, and tell the other nodes. */
    bump(): void {
      advance();
      pool
        .query('UPDATE catalog_state SET version = version + 1')
        .catch((err: unknown) => logger.warn({ err }, 'catalog version bump failed'));
    },
    /** Look for other nodes' changes, at most once per interval, without making the caller wait. */
    poll(): void {
      const now = Date.now();
      if (polling || now - lastPoll < pollMs) return;
      polling = true;
      lastPoll = now;
      pool
        .query<{ version: string }>('SELECT version::text AS version FROM catalog_state WHERE id = 1')
        .then((r) => {
          const v = r.rows[0]?.version ?? '0';
          if (seen !== null && v !== seen) advance();
          seen = v;
        })
        .catch((err: unknown) => logger.warn({ err }, 'catalog version poll failed'))
        .finally(() => {
          polling = false;
        });
    },
  };
}
export type CatalogVersion = ReturnType<typeof catalogVersion>;
