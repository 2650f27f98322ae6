import type { Logger } from 'pino';
import { createClient } from 'redis';

const newClient = (url: string) =>
  createClient({ url, socket: { reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) } });
export type RedisClient = ReturnType<typeof newClient>;

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
    await c.connect();
    clients.push(c);
    return c;
  };
  const client = await open('commands');
  return {
    client,
    subscriber: () => open('subscriber'),
    async close() {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    },
  };
}
