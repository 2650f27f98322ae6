import type pg from 'pg';
import type { Logger } from 'pino';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Config } from '../config.ts';
import { postgresBus, redisBus, type ClusterBus } from '../lib/cluster-bus.ts';
import { connectRedis, type RedisConnection } from '../lib/redis.ts';
import { createRateLimits, policyLimits, type RateLimits, type RateStore } from '../http/rate-limit.ts';

export interface Cluster {
  redis: RedisConnection | null;
  /** Messages to every API node: Redis pub/sub with REDIS_URL, else PostgreSQL LISTEN/NOTIFY. */
  bus: ClusterBus;
  /** Rate limits counted in the store every node shares. */
  limits: RateLimits;
  /** The socket.io Redis adapter (rooms across nodes), or none without Redis. */
  socketAdapter(): Promise<ReturnType<typeof createAdapter> | undefined>;
  close(): Promise<void>;
}

/** What API nodes share: Redis when REDIS_URL is set, otherwise their one PostgreSQL. */
export async function connectCluster(
  config: Config,
  pool: pg.Pool,
  databaseUrl: string,
  logger: Logger,
): Promise<Cluster> {
  const redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL, logger) : null;
  try {
    const bus = redis ? redisBus(redis) : postgresBus(pool, databaseUrl, logger);
    const kind = config.RATE_LIMIT_STORE ?? (redis ? 'redis' : 'postgres');
    let store: RateStore;
    if (kind === 'redis') {
      if (!redis) throw new Error('RATE_LIMIT_STORE=redis needs REDIS_URL');
      store = { kind, client: redis.client };
    } else store = kind === 'postgres' ? { kind, pool } : { kind };
    const limits = await createRateLimits(store, policyLimits(config), logger);
    return {
      redis,
      bus,
      limits,
      async socketAdapter() {
        if (!redis) return undefined;
        return createAdapter(redis.client, await redis.subscriber());
      },
      async close() {
        await bus.close();
        await redis?.close();
      },
    };
  } catch (err) {
    await redis?.close();
    throw err;
  }
}
