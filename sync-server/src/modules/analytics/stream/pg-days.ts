import type pg from 'pg';
import type { Logger } from 'pino';

export const DAY_MS = 86_400_000;

/** 'YYYY-MM-DD' (UTC) of an epoch-ms time. */
export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export interface RetentionResult {
  /** Day tables dropped ('YYYY-MM-DD'). */
  dropped: string[];
  /** Day tables past retention kept because a consumer group has not committed all of their events. */
  kept: string[];
}

/**
 * The day tables of analytics.stream_events (range partitions on event time, UTC days). Publishers ask for the days
 * of a batch before appending it: a day inside the window [today - retentionDays, today + futureDays] gets its table
 * on first use (cached, so the hot path asks nothing); events outside the window (a device clock years off) land in
 * the default table. Maintenance creates the coming days ahead and applies retention.
 */
export class DayTables {
  private known = new Set<string>();
  private loading: Promise<void> | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
    private readonly retentionDays: number,
    private readonly futureDays: number,
  ) {}

  private load(): Promise<void> {
    this.loading ??= this.reload().catch((err: unknown) => {
      this.loading = null;
      throw err;
    });
    return this.loading;
  }

  private async reload(): Promise<void> {
    const r = await this.pool.query<{ relname: string }>(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'analytics.stream_events'::regclass AND c.relname ~ '^stream_events_p[0-9]{8}$'`,
    );
    this.known = new Set(
      r.rows.map((x) => {
        const d = x.relname.slice(-8);
        return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`;
      }),
    );
  }

  /** Make sure the days (of a batch about to be appended) that belong in the window have their table. */
  async ensure(days: Iterable<string>, now = Date.now()): Promise<void> {
    await this.load();
    const lo = dayOf(now - this.retentionDays * DAY_MS);
    const hi = dayOf(now + this.futureDays * DAY_MS);
    for (const day of days) {
      if (day < lo || day > hi || this.known.has(day)) continue;
      await this.pool.query('SELECT analytics.stream_ensure_day($1::date)', [day]);
      this.known.add(day);
    }
  }

  /** Create today's and the coming days' tables, then apply retention. */
  async maintain(now = Date.now(), groupExpiryDays = 7): Promise<RetentionResult> {
    const coming: string[] = [];
    for (let d = 0; d <= this.futureDays; d += 1) coming.push(dayOf(now + d * DAY_MS));
    await this.ensure(coming, now);
    const r = await this.pool.query<{ day_table: string; dropped: boolean }>(
      `SELECT day_table, dropped FROM analytics.stream_retain($1::timestamptz, $2 * interval '1 day')`,
      [new Date(now - this.retentionDays * DAY_MS).toISOString(), groupExpiryDays],
    );
    await this.reload();
    const day = (t: string) => `${t.slice(-8, -4)}-${t.slice(-4, -2)}-${t.slice(-2)}`;
    const result: RetentionResult = {
      dropped: r.rows.filter((x) => x.dropped).map((x) => day(x.day_table)),
      kept: r.rows.filter((x) => !x.dropped).map((x) => day(x.day_table)),
    };
    if (result.dropped.length)
      this.logger.info({ days: result.dropped }, 'analytics stream: dropped day tables');
    if (result.kept.length)
      this.logger.warn(
        { days: result.kept },
        'analytics stream: day tables past retention kept: a consumer group has not committed them',
      );
    return result;
  }
}
