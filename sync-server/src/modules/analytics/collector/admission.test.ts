import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../http/errors.ts';
import { EARLY_BYTES_PER_EVENT, admission } from './admission.ts';
import type { IngestResult } from './port.ts';

const meta = { source: 'xapi' as const, origin: 'test' };
const ok = (n: number): IngestResult => ({ ids: [], accepted: n, duplicates: 0, rejected: [] });

/** An ingest whose calls finish only when released. */
function heldIngest() {
  const waiting: (() => void)[] = [];
  const ingest = (items: readonly unknown[]) =>
    new Promise<IngestResult>((resolve) => waiting.push(() => resolve(ok(items.length))));
  return { ingest, releaseAll: () => waiting.splice(0).forEach((f) => f()) };
}

const busyOf = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  return err instanceof ApiError ? err : null;
};

describe('collector admission (backpressure)', () => {
  it('refuses uploads beyond the in-flight limit with 503 collector_busy and Retry-After, and admits again once drained', async () => {
    const held = heldIngest();
    const gate = admission(held.ingest, { maxInflight: 1000, maxLag: 0 });
    const first = gate.ingest(new Array(800).fill({}), meta);
    const second = gate.ingest(new Array(300).fill({}), meta);
    const err = await busyOf(second);
    expect(err?.code).toBe('collector_busy');
    expect(err?.status).toBe(503);
    expect(err?.headers).toEqual({ 'retry-after': '1' });
    expect(err?.details).toMatchObject({ inflight: 800, limit: 1000 });
    expect(gate.refused()).toBe(1);
    // One that still fits is taken.
    const third = gate.ingest(new Array(200).fill({}), meta);
    held.releaseAll();
    expect((await first).accepted).toBe(800);
    expect((await third).accepted).toBe(200);
    // Nothing in flight: even an upload larger than the limit is admitted.
    const big = gate.ingest(new Array(1500).fill({}), meta);
    held.releaseAll();
    expect((await big).accepted).toBe(1500);
  });

  it('refuses while the processor lags beyond the limit, from the sampled lag', async () => {
    let lag = 50_000;
    let clock = 0;
    const gate = admission(async (items) => ok(items.length), {
      maxInflight: 0,
      maxLag: 10_000,
      lag: () => Promise.resolve(lag),
      sampleMs: 100,
      now: () => clock,
    });
    expect((await gate.ingest([{}], meta)).accepted).toBe(1); // the first call starts the first sample
    await new Promise((r) => setImmediate(r));
    expect((await busyOf(gate.ingest([{}], meta)))?.details).toMatchObject({ lag: 50_000, limit: 10_000 });
    lag = 0;
    clock += 150;
    await busyOf(gate.ingest([{}], meta)); // refused on the old sample, takes a new one
    await new Promise((r) => setImmediate(r));
    expect((await gate.ingest([{}], meta)).accepted).toBe(1);
  });

  it('refuses a full collector before reading the body, and lets other requests through', async () => {
    const held = heldIngest();
    const gate = admission(held.ingest, { maxInflight: 10, maxLag: 0 });
    const app = express();
    app.use(gate.early.path, gate.early.router);
    let reached = 0;
    app.use((_req, res) => {
      reached += 1;
      res.status(204).end();
    });
    const server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const post = (p: string) => fetch(url + p, { method: 'POST', body: '[]' });
      expect((await post('/xapi/statements')).status).toBe(204); // not full yet
      const pending = gate.ingest(new Array(10).fill({}), meta);
      const refused = await post('/api/v1/analytics/events');
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('collector_busy');
      expect((await fetch(`${url}/xapi/statements`)).status).toBe(204); // GET is never refused
      expect((await post('/api/v1/courses')).status).toBe(204); // nor other routes
      held.releaseAll();
      await pending;
      expect((await post('/xapi/statements')).status).toBe(204);
      expect(reached).toBe(4); // all but the refused upload
      // by its length, a body is judged for about as many events as it holds, before it is read
      const some = gate.ingest(new Array(4).fill({}), meta);
      const body = (events: number) =>
        '[' + new Array(events).fill(`"${'x'.repeat(EARLY_BYTES_PER_EVENT - 4)}"`).join(',') + ']';
      expect((await fetch(url + '/xapi/statements', { method: 'POST', body: body(6) })).status).toBe(204);
      expect((await fetch(url + '/xapi/statements', { method: 'POST', body: body(7) })).status).toBe(503);
      held.releaseAll();
      await some;
      expect((await fetch(url + '/xapi/statements', { method: 'POST', body: body(40) })).status).toBe(204);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
