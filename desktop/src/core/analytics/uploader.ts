import { z } from 'zod';
import type { EventBatchResult } from '@lyceum/contracts';
import type { ServerConnection } from '../server/connection.ts';
import { ServerError } from '../server/errors.ts';
import type { ConnectivityMonitor } from '../services/connectivity.ts';
import type { SessionService } from '../services/session.ts';
import type { SettingsRepo } from '../store/settings.ts';
import type { AnalyticsQueue } from './queue.ts';

export interface AnalyticsUploaderTuning {
  /** Upload what is queued this often while online (60 s). */
  intervalMs?: number;
  /** Statements per request (the server takes 1000; 500 by default). */
  batchSize?: number;
  /** JSON bytes per request, about (the server's body limit is 2 MB). */
  maxBatchBytes?: number;
  /** Wait after a recording or a sync before uploading, so a burst goes in one request. */
  soonMs?: number;
  /** Back-off after a failed upload: doubles from min to max. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface AnalyticsUploaderDeps {
  queue: AnalyticsQueue;
  client: ServerConnection;
  session: SessionService;
  connectivity: ConnectivityMonitor;
  settings: SettingsRepo;
  /** This installation's device id for the user (the sync engine's). */
  deviceId: (userId: string) => string;
  clock?: () => Date;
  onError?: (err: unknown) => void;
  tuning?: AnalyticsUploaderTuning;
}

const SKEW_KEY = 'analytics.lastSkew';
export const LastSkew = z.object({ skewMs: z.number(), at: z.string(), deviceId: z.string() });
export type LastSkew = z.infer<typeof LastSkew>;

export interface UploadRun {
  batches: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

class NobodySignedIn extends Error {
  constructor() {
    super('Nobody is signed in');
  }
}

/** A request the server refuses as a whole because of what is in it (not the network, not the session). */
const refusedAsWhole = (err: unknown) =>
  err instanceof ServerError &&
  err.status >= 400 &&
  err.status < 500 &&
  ![401, 403, 408, 429].includes(err.status);

/**
 * Sends the queued statements to the server in batches (with the device id and the device clock at sending, from
 * which the server estimates the clock skew), when online: soon after a recording or a sync, and on a timer. What the
 * server answered for leaves the queue — accepted, duplicates, and refused ones (those are in the server's
 * dead-letter store with their reasons; here they are logged). A failed upload is retried with back-off, with the
 * same statement ids, so the server counts a repeat once.
 */
export function analyticsUploader(d: AnalyticsUploaderDeps) {
  const t = d.tuning ?? {};
  const clock = d.clock ?? (() => new Date());
  const batchSize = Math.min(t.batchSize ?? 500, 1000);
  const maxBytes = t.maxBatchBytes ?? 1_000_000;
  const minBackoff = t.minBackoffMs ?? 5_000;
  const maxBackoff = t.maxBackoffMs ?? 300_000;
  let running: Promise<UploadRun> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let soonTimer: NodeJS.Timeout | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let started = false;
  let closed = false;
  let failures = 0;
  let nextRetryAt = 0;
  let lastError: string | null = null;
  let lastUploadAt: string | null = null;
  const totals: UploadRun = { batches: 0, accepted: 0, duplicates: 0, rejected: 0 };

  const log = (message: string, cause?: unknown) =>
    d.onError?.(new Error(`analytics upload: ${message}`, cause === undefined ? undefined : { cause }));

  function post(deviceId: string, statements: unknown[]) {
    return d.session.withToken((token) => {
      if (!token) throw new NobodySignedIn();
      return d.client.call(
        'uploadLearningEvents',
        { body: { deviceId, sentAt: clock().toISOString(), statements } },
        { token, timeoutMs: 30_000 },
      );
    });
  }

  async function run(): Promise<UploadRun> {
    const out: UploadRun = { batches: 0, accepted: 0, duplicates: 0, rejected: 0 };
    const userId = d.session.currentUserId();
    if (!userId) return out;
    const deviceId = d.deviceId(userId);
    let size = batchSize;
    for (;;) {
      const rows = d.queue.next(userId, size, maxBytes);
      if (rows.length === 0) break;
      const statements: unknown[] = [];
      const unreadable: string[] = [];
      for (const r of rows) {
        try {
          statements.push(JSON.parse(r.statementJson));
        } catch {
          unreadable.push(r.id);
        }
      }
      if (unreadable.length) {
        d.queue.remove(unreadable);
        log(`dropped ${unreadable.length} statement(s) that could not be read back from the device`);
        continue;
      }
      const ids = rows.map((r) => r.id);
      let res: EventBatchResult;
      try {
        res = await post(deviceId, statements);
      } catch (err) {
        if (refusedAsWhole(err) && rows.length > 1) {
          size = Math.max(1, Math.floor(rows.length / 2));
          continue;
        }
        if (refusedAsWhole(err)) {
          d.queue.remove(ids);
          log(`the server refused statement ${ids[0]} (${(err as ServerError).message}); dropped`, err);
          continue;
        }
        d.queue.bumpAttempts(ids);
        throw err;
      }
      d.queue.remove(ids);
      for (const r of res.rejected)
        log(`the server refused statement ${r.id ?? `#${r.index}`} (in its dead-letter store): ${r.reason}`);
      d.settings.set(SKEW_KEY, { skewMs: res.skewMs, at: clock().toISOString(), deviceId });
      out.batches += 1;
      out.accepted += res.accepted;
      out.duplicates += res.duplicates;
      out.rejected += res.rejected.length;
      size = batchSize;
    }
    return out;
  }

  function scheduleRetry(): void {
    if (retryTimer) clearTimeout(retryTimer);
    const wait = Math.min(maxBackoff, minBackoff * 2 ** Math.min(failures - 1, 20));
    const jittered = Math.round(wait * (0.75 + Math.random() * 0.25));
    nextRetryAt = Date.now() + jittered;
    if (!started || closed) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void uploadNow().catch(() => undefined);
    }, jittered);
    retryTimer.unref();
  }

  /** Upload everything queued now (single flight). Rejects when an upload failed (a retry is scheduled). */
  function uploadNow(): Promise<UploadRun> {
    if (closed) return Promise.resolve({ batches: 0, accepted: 0, duplicates: 0, rejected: 0 });
    running ??= run()
      .then(
        (r) => {
          failures = 0;
          nextRetryAt = 0;
          lastError = null;
          if (r.batches) lastUploadAt = clock().toISOString();
          for (const k of Object.keys(totals) as (keyof UploadRun)[]) totals[k] += r[k];
          return r;
        },
        (err: unknown) => {
          failures += 1;
          lastError = err instanceof Error ? err.message : String(err);
          scheduleRetry();
          throw err;
        },
      )
      .finally(() => {
        running = null;
        const dropped = d.queue.trim();
        if (dropped) log(`the queue was full: dropped the ${dropped} oldest statement(s)`);
      });
    return running;
  }

  /** Upload soon, when online and not backing off (`force`: a sync just reached the server). */
  function soon(opts: { force?: boolean; delayMs?: number } = {}): void {
    if (!started || closed) return;
    if (opts.force) {
      failures = 0;
      nextRetryAt = 0;
    }
    if (!d.connectivity.snapshot().online || Date.now() < nextRetryAt) return;
    if (soonTimer) return;
    soonTimer = setTimeout(
      () => {
        soonTimer = null;
        void uploadNow().catch(() => undefined);
      },
      opts.delayMs ?? t.soonMs ?? 3_000,
    );
    soonTimer.unref();
  }

  return {
    uploadNow,
    soon,
    /** A sync succeeded: the server is reachable, so upload now (any back-off ends). */
    afterSync: () => soon({ force: true, delayMs: 0 }),
    /** The last clock-skew estimate the server sent back (server − device, ms), kept and shown nowhere. */
    lastSkew: (): LastSkew | null => d.settings.get(SKEW_KEY, LastSkew),
    status() {
      const userId = d.session.currentUserId();
      return {
        queued: userId ? d.queue.count(userId) : 0,
        uploading: running !== null,
        failures,
        nextRetryAt: nextRetryAt ? new Date(nextRetryAt).toISOString() : null,
        lastError,
        lastUploadAt,
        totals: { ...totals },
      };
    },
    start(): void {
      if (started || closed) return;
      started = true;
      timer = setInterval(() => {
        if (d.connectivity.snapshot().online && Date.now() >= nextRetryAt)
          void uploadNow().catch(() => undefined);
      }, t.intervalMs ?? 60_000);
      timer.unref();
      soon();
    },
    async stop(): Promise<void> {
      closed = true;
      started = false;
      for (const x of [soonTimer, retryTimer]) if (x) clearTimeout(x);
      if (timer) clearInterval(timer);
      timer = soonTimer = retryTimer = null;
      await running?.catch(() => undefined);
    },
  };
}
export type AnalyticsUploader = ReturnType<typeof analyticsUploader>;
