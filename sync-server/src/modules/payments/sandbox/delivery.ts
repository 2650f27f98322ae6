import http from 'node:http';
import https from 'node:https';
import type { Logger } from 'pino';
import type { StripeEvent } from '@lyceum/contracts';
import { signStripePayload } from '../gateway/signature.ts';

/** How the sandbox misbehaves on purpose, as a real gateway may: repeats, shuffles, lateness (tests only). */
export interface DeliveryChaos {
  /** Each event is delivered between min and max times (inclusive). */
  copies: [min: number, max: number];
  /** Each copy waits a random 0..maxDelayMs before it goes, so copies and events arrive shuffled and late. */
  maxDelayMs: number;
}

export interface DeliveryStats {
  delivered: number;
  failedAttempts: number;
  /** Acknowledgement time of each successful delivery (ms), in completion order. */
  ackMs: number[];
}

export interface DeliveryOptions {
  logger: Logger;
  secret: string;
  /** Deliveries in flight at once (Stripe also limits concurrent deliveries per endpoint). */
  concurrency?: number;
  /** Attempts per copy before giving up (exponential backoff from retryBaseMs). */
  maxAttempts?: number;
  retryBaseMs?: number;
}

type Agents = { http: http.Agent; https: https.Agent };

/** POST the signed payload; answers the status (the body is read and dropped). */
function post(agents: Agents, url: string, payload: string, signature: string): Promise<number> {
  const u = new URL(url);
  const secure = u.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(
      u,
      {
        method: 'POST',
        agent: secure ? agents.https : agents.http,
        timeout: 30_000,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(payload),
          'stripe-signature': signature,
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks) lyceum-sandbox',
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('webhook timed out')));
    req.on('error', reject);
    req.end(payload);
  });
}

interface Job {
  event: StripeEvent;
  payload: string;
  attempt: number;
}

/**
 * The sandbox's webhook sender: signs each event as Stripe does (a fresh `t=` on every attempt, the same body) and
 * POSTs it to the webhook endpoint; non-2xx answers and network errors are retried with backoff. In-process, so
 * events not yet delivered are lost if the process stops (the sandbox is for development and tests).
 */
export function webhookDelivery(opts: DeliveryOptions) {
  const concurrency = opts.concurrency ?? 32;
  const maxAttempts = opts.maxAttempts ?? 8;
  const retryBaseMs = opts.retryBaseMs ?? 100;
  let target: string | null = null;
  let chaos: DeliveryChaos | null = null;
  let holding: StripeEvent[] | null = null;
  const queue: Job[] = [];
  let inFlight = 0;
  let timers = 0;
  let stopped = false;
  const stats: DeliveryStats = { delivered: 0, failedAttempts: 0, ackMs: [] };
  // Kept-open connections to the endpoint, as Stripe reuses its connections.
  const agents: Agents = {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true }),
  };
  const idleWaiters: (() => void)[] = [];
  let settle: (() => Promise<void>) | null = null;

  const busy = () => queue.length + inFlight + timers > 0;
  function checkIdle() {
    if (busy()) return;
    for (const w of idleWaiters.splice(0)) w();
  }

  function later(ms: number, fn: () => void) {
    timers++;
    const t = setTimeout(() => {
      timers--;
      fn();
      checkIdle();
    }, ms);
    t.unref();
  }

  function pump() {
    while (!stopped && target && inFlight < concurrency && queue.length) {
      const job = queue.shift()!;
      inFlight++;
      void send(job).finally(() => {
        inFlight--;
        pump();
        checkIdle();
      });
    }
  }

  async function send(job: Job): Promise<void> {
    const started = performance.now();
    try {
      const status = await post(agents, target!, job.payload, signStripePayload(job.payload, opts.secret));
      if (status >= 200 && status < 300) {
        stats.delivered++;
        stats.ackMs.push(performance.now() - started);
        return;
      }
      throw new Error(`webhook answered ${status}`);
    } catch (err) {
      stats.failedAttempts++;
      if (stopped) return;
      if (job.attempt + 1 >= maxAttempts) {
        opts.logger.warn({ err, eventId: job.event.id }, 'sandbox webhook given up');
        return;
      }
      later(Math.min(5_000, retryBaseMs * 2 ** job.attempt), () => {
        queue.push({ ...job, attempt: job.attempt + 1 });
        pump();
      });
    }
  }

  function enqueueCopies(event: StripeEvent, copies: number, maxDelayMs: number) {
    const payload = JSON.stringify(event, null, 2);
    for (let i = 0; i < copies; i++) {
      const delay = maxDelayMs > 0 ? Math.floor(Math.random() * maxDelayMs) : 0;
      const go = () => {
        queue.push({ event, payload, attempt: 0 });
        pump();
      };
      if (delay > 0) later(delay, go);
      else go();
    }
  }

  return {
    stats,
    /** Where events go (the server's own webhook endpoint, known once it listens). */
    setTarget(url: string): void {
      target = url;
      pump();
    },
    /** Queue an event for delivery (with the chaos settings when set; held when holding). */
    send(event: StripeEvent): void {
      if (holding) {
        holding.push(event);
        return;
      }
      const [min, max] = chaos?.copies ?? [1, 1];
      const copies = min + Math.floor(Math.random() * (max - min + 1));
      enqueueCopies(event, copies, chaos?.maxDelayMs ?? 0);
    },
    /** Test hook: repeat, shuffle and delay deliveries from now on (null: one copy each, at once). */
    setChaos(c: DeliveryChaos | null): void {
      chaos = c;
    },
    /** Test hook: keep events instead of sending them, until release(). */
    hold(): void {
      holding ??= [];
    },
    /** Test hook: the events held so far, in the order they were emitted; holding stops. */
    release(): StripeEvent[] {
      const held = holding ?? [];
      holding = null;
      return held;
    },
    /** Test hook: deliver this event `copies` times, each after 0..maxDelayMs. */
    deliver(event: StripeEvent, copies = 1, maxDelayMs = 0): void {
      enqueueCopies(event, copies, maxDelayMs);
    },
    /** What idle() also waits for: the receiving side has applied what it acknowledged (the payments inbox). */
    onSettle(fn: () => Promise<void>): void {
      settle = fn;
    },
    /**
     * Resolves when nothing is queued, in flight or waiting for a retry, and the receiver has applied every
     * acknowledged event (which may send more: a refund's charge.refunded; those are waited for too).
     */
    async idle(): Promise<void> {
      for (;;) {
        if (busy()) await new Promise<void>((resolve) => idleWaiters.push(resolve));
        if (stopped) return;
        await settle?.();
        if (!busy()) return;
      }
    },
    stop(): void {
      stopped = true;
      agents.http.destroy();
      agents.https.destroy();
      queue.length = 0;
      for (const w of idleWaiters.splice(0)) w();
    },
  };
}
export type WebhookDelivery = ReturnType<typeof webhookDelivery>;
