import pg from 'pg';
import type { Logger } from 'pino';
import type { RedisConnection } from './redis.ts';

/** Fire-and-forget messages to every API node (this one included): Redis pub/sub, or PostgreSQL LISTEN/NOTIFY. */
export interface ClusterBus {
  publish(channel: string, message: string): Promise<void>;
  /**
   * Resolves once the subscription is active, so a message published after it is received — or at once while the
   * bus is unreachable (Redis down), the subscription then starting when it is back.
   */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<void>;
  close(): Promise<void>;
}

const CHANNEL = /^[a-z_][a-z0-9_]*$/;
function checkChannel(channel: string): void {
  if (!CHANNEL.test(channel)) throw new Error(`Bad cluster bus channel name: ${channel}`);
}

export function redisBus(redis: RedisConnection): ClusterBus {
  let sub: Promise<Awaited<ReturnType<RedisConnection['subscriber']>>> | null = null;
  return {
    async publish(channel, message) {
      checkChannel(channel);
      await redis.client.publish(channel, message);
    },
    async subscribe(channel, onMessage) {
      checkChannel(channel);
      sub ??= redis.subscriber();
      const client = await sub;
      const subscribed = client.subscribe(channel, (message) => onMessage(message));
      // With Redis down the subscription starts when it is back (node-redis queues it): do not hold start-up.
      if (client.isReady) await subscribed;
      else subscribed.catch(() => undefined);
    },
    async close() {
      /* the connection is closed by its owner */
    },
  };
}

/**
 * LISTEN/NOTIFY on one dedicated connection, opened again (with its LISTENs) after it drops — a PostgreSQL restart.
 * Messages sent while it is down are lost (what listeners cache must expire by itself, as the authenticator's does).
 */
export function postgresBus(pool: pg.Pool, databaseUrl: string, logger: Logger): ClusterBus {
  const handlers = new Map<string, ((message: string) => void)[]>();
  let client: pg.Client | null = null;
  let connecting: Promise<void> | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: databaseUrl });
    c.on('error', (err) => logger.warn({ err }, 'cluster bus: LISTEN connection failed'));
    c.on('notification', (n) => {
      for (const h of handlers.get(n.channel) ?? []) h(n.payload ?? '');
    });
    c.on('end', () => {
      if (client !== c || closed) return;
      client = null;
      scheduleReconnect();
    });
    await c.connect();
    for (const channel of handlers.keys()) await c.query(`LISTEN ${channel}`);
    client = c;
  }
  function scheduleReconnect(): void {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = null;
      connecting = connect().catch(() => scheduleReconnect());
    }, 500);
    retry.unref();
  }

  return {
    async publish(channel, message) {
      checkChannel(channel);
      await pool.query('SELECT pg_notify($1, $2)', [channel, message]);
    },
    async subscribe(channel, onMessage) {
      checkChannel(channel);
      const known = handlers.has(channel);
      handlers.set(channel, [...(handlers.get(channel) ?? []), onMessage]);
      connecting ??= connect();
      await connecting;
      if (!known && client) await client.query(`LISTEN ${channel}`);
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
      client = null;
    },
  };
}
