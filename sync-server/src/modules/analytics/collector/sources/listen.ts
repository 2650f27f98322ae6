import pg from 'pg';
import type { Logger } from 'pino';

/**
 * LISTEN on one channel over a dedicated connection (outside the pool, so it never holds a pooled client), calling
 * `onNotify` for every notification and once after each (re)connect, since notifications may have been missed while
 * disconnected. Reconnects with back-off. Callers also poll: a lost connection slows them, never stops them.
 */
export function listenChannel(
  config: pg.ClientConfig,
  channel: string,
  onNotify: () => void,
  logger: Logger,
): { close(): Promise<void> } {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`Bad channel name ${channel}`);
  let client: pg.Client | null = null;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let backoffMs = 250;

  const retry = (c: pg.Client) => {
    if (client === c) client = null;
    void c.end().catch(() => {});
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, backoffMs);
    timer.unref();
    backoffMs = Math.min(backoffMs * 2, 10_000);
  };

  async function connect(): Promise<void> {
    if (closed) return;
    const c = new pg.Client(config);
    let failed = false;
    const fail = (err?: Error) => {
      if (failed) return;
      failed = true;
      if (err && !closed) logger.warn({ err, channel }, 'LISTEN connection lost; polling until it is back');
      retry(c);
    };
    c.on('notification', () => onNotify());
    c.on('error', fail);
    c.on('end', () => fail());
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
      if (closed) {
        await c.end().catch(() => {});
        return;
      }
      client = c;
      backoffMs = 250;
      onNotify();
    } catch (err) {
      fail(err as Error);
    }
  }

  void connect();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      const c = client;
      client = null;
      if (c) await c.end().catch(() => {});
    },
  };
}
