import express from 'express';
import { ApiError, sendApiError } from '../../../http/errors.ts';
import type { Ingest } from './port.ts';

export interface AdmissionOptions {
  /** Most events being collected at once (validated, published, recorded); 0 = no limit. */
  maxInflight: number;
  /** Refuse while the processor is more than this many events behind (0 = never). */
  maxLag: number;
  /** The processor's current lag in events (sampled at most every `sampleMs`). */
  lag?: () => Promise<number>;
  sampleMs?: number;
  /** Server clock (ms). */
  now?: () => number;
}

const RETRY_AFTER_SECONDS = 1;
/**
 * Bytes of body counted as one event when a request is judged before its body is read: a desktop app's statement
 * takes about a kilobyte, so a body is taken for about as many events as it holds, never for fewer than one.
 */
export const EARLY_BYTES_PER_EVENT = 1024;

/**
 * Backpressure for the collector's API sources (desktop uploads, xAPI): under more load than the pipeline can take,
 * a request is refused at once with 503 `collector_busy` and Retry-After, instead of queueing without bound — every
 * accepted event then stays seconds, not minutes, from being visible, and the sender keeps the refused ones (the
 * desktop app's queue, an xAPI client's retry). Two gauges: events in the collector right now, and the processor's
 * lag. A request arriving when nothing is in flight is always admitted, whatever its size.
 */
export interface Admission {
  ingest: Ingest;
  refused: () => number;
  /**
   * Mounted ahead of body parsing: while the collector is full, an upload is refused before its body is read — a
   * refusal must cost far less than an acceptance, or refusals and their resends take the capacity they protect.
   */
  early: { path: string; router: express.Router };
}

export function admission(ingest: Ingest, opts: AdmissionOptions): Admission {
  const now = opts.now ?? Date.now;
  const sampleMs = opts.sampleMs ?? 200;
  let inflight = 0;
  let lag = 0;
  let sampledAt = -Infinity;
  let sampling = false;
  let refused = 0;

  const sample = () => {
    if (!opts.lag || opts.maxLag <= 0 || sampling || now() - sampledAt < sampleMs) return;
    sampling = true;
    opts
      .lag()
      .then(
        (v) => (lag = v),
        () => {},
      )
      .finally(() => {
        sampling = false;
        sampledAt = now();
      });
  };

  const busy = (why: string, details: Record<string, number>, headers: Record<string, string> = {}) => {
    refused += 1;
    return new ApiError(
      'collector_busy',
      `The analytics collector is at capacity (${why}); send these events again in ${RETRY_AFTER_SECONDS} s`,
      { ...details, retryAfterSeconds: RETRY_AFTER_SECONDS },
      { 'retry-after': String(RETRY_AFTER_SECONDS), ...headers },
    );
  };
  /** Why `n` more events may not come in now, or null when they may. */
  const refusal = (n: number, headers?: Record<string, string>): ApiError | null => {
    sample();
    if (opts.maxInflight > 0 && inflight > 0 && inflight + n > opts.maxInflight)
      return busy(`${inflight} events in flight`, { inflight, limit: opts.maxInflight }, headers);
    if (opts.maxLag > 0 && lag > opts.maxLag)
      return busy(`the processor is ${lag} events behind`, { lag, limit: opts.maxLag }, headers);
    return null;
  };

  const gated: Ingest = async (items, meta) => {
    const n = items.length;
    const denied = refusal(n);
    if (denied) throw denied;
    inflight += n;
    try {
      return await ingest(items, meta);
    } finally {
      inflight -= n;
    }
  };
  const router = express.Router();
  const refuseEarly: express.RequestHandler = (req, res, next) => {
    if (req.method !== 'POST' && req.method !== 'PUT') return next();
    // The events are not counted yet: the body's length stands for them (EARLY_BYTES_PER_EVENT), so that an upload
    // the collector would refuse once read is mostly refused before — reading and parsing a body only to refuse it
    // cost a full collector the capacity it protects. The unread body is not drained: the connection closes after
    // the answer.
    const bytes = Number(req.headers['content-length']);
    const events = Number.isFinite(bytes) && bytes > 0 ? Math.ceil(bytes / EARLY_BYTES_PER_EVENT) : 1;
    const err = refusal(events, { connection: 'close' });
    if (!err) return next();
    sendApiError(res, err);
  };
  router.use(['/api/v1/analytics/events', '/xapi/statements'], refuseEarly);
  return { ingest: gated, refused: () => refused, early: { path: '/', router } };
}
