import type { Logger } from 'pino';
import { createClient } from 'redis';

const newClient = (url: string) =>
  createClient({ url, socket: { reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) } });
export type RedisClient = ReturnType<typeof newClient>;

/** How long start-up waits for Redis before going on without it. */
const FIRST_CONNECT_MS = 2000;

export interface RedisConnection {
  /** Commands and PUBLISH (rate-limit counters, the socket.io adapter's publisher). */
  client: RedisClient;
  /** A connection in subscriber mode of its own, for one more subscriber (each user gets its own). */
  subscriber(): Promise<RedisClient>;
  close(): Promise<void>;
}

/**
 * Connect to REDIS_URL. node-redis reconnects by itself (with back-off) after a Redis restart; errors are logged,
 * never thrown at the process.
 */
export async function connectRedis(url: string, logger: Logger): Promise<RedisConnection> {
  const clients: RedisClient[] = [];
  const open = async (role: string): Promise<RedisClient> => {
    const c = newClient(url);
    let warned = false;
    c.on('error', (err: unknown) => {
      if (!warned) logger.warn({ err, role }, 'Redis connection error; reconnecting');
      warned = true;
    });
    c.on('ready', () => {
      if (warned) logger.info({ role }, 'Redis connection back');
      warned = false;
    });
    clients.push(c);
    // A node starts even while Redis is down: it waits a moment for the first connection, then goes on and keeps
    // reconnecting in the background. Meanwhile rate limits count in memory (rejectIfRedisNotReady), revocation
    // messages and socket.io's cross-node emits wait in node-redis's offline queue, and subscriptions start on connect.
    const connected = c.connect().then(
      () => true,
      () => false,
    );
    const timer = new Promise<false>((r) => setTimeout(() => r(false), FIRST_CONNECT_MS).unref());
    if (!(await Promise.race([connected, timer])))
      logger.warn({ role }, 'Redis is not reachable; starting without it and reconnecting in the background');
    return c;
  };
  const client = await open('commands');
  return {
    client,
    subscriber: () => open('subscriber'),
    async close() {
      await Promise.all(
        clients.map(async (c) => {
          // A client still trying its first connection has nothing to flush: destroy it (close() would wait).
          if (c.isReady) await c.close().catch(() => undefined);
          else c.destroy();
        }),
      );
    },
  };
}
