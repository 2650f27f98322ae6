import pg from 'pg';
import type { Logger } from 'pino';

/** The NOTIFY channel of the embedded stream: 'e:<topic>' (events committed), 'g:<topic>|<group>' (members changed). */
export const CHANNEL = 'analytics_stream';

/**
 * One dedicated connection LISTENing on the stream channel for every subscription of a process (outside the pool, so
 * it never holds a pooled client). Reconnects with back-off when the connection drops, and then tells every handler
 * ('*': notifications may have been missed); consumers also poll, so a lost connection slows them, never stops them.
 */
export class StreamListener {
  private client: pg.Client | null = null;
  private readonly handlers = new Set<(payload: string) => void>();
  private closed = false;
  private starting: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private backoffMs = 250;
  private readonly dead = new WeakSet<pg.Client>();

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly logger: Logger,
  ) {}

  /** Register a handler; answers a function that removes it. */
  on(handler: (payload: string) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Connect (once); a failure is logged and retried in the background. */
  start(): Promise<void> {
    this.starting ??= this.connect();
    return this.starting;
  }

  private emit(payload: string): void {
    for (const h of [...this.handlers]) {
      try {
        h(payload);
      } catch (err) {
        this.logger.warn({ err }, 'analytics stream notification handler failed');
      }
    }
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client(this.config);
    client.on('notification', (msg) => this.emit(msg.payload ?? '*'));
    client.on('error', (err) => {
      this.logger.warn({ err }, 'analytics stream listener connection failed');
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.client = client;
      this.backoffMs = 250;
      this.emit('*');
    } catch (err) {
      if (!this.closed)
        this.logger.warn({ err }, 'analytics stream listener could not connect; polling only');
      this.reconnect(client);
    }
  }

  private reconnect(client: pg.Client): void {
    if (this.dead.has(client)) return;
    this.dead.add(client);
    if (this.client === client) this.client = null;
    void client.end().catch(() => {});
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, this.backoffMs);
    this.retryTimer.unref();
    this.backoffMs = Math.min(this.backoffMs * 2, 10_000);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const c = this.client;
    this.client = null;
    this.handlers.clear();
    if (c) await c.end().catch(() => {});
  }
}
