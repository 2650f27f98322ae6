import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverConnection } from './connection.ts';
import { ServerContractError, ServerError, ServerUnreachable } from './errors.ts';

/** A small real HTTP server whose answers the test chooses per path. */
let server: http.Server;
let base: string;
const seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: Buffer }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const url = req.url ?? '';
      if (url === '/health') return json(200, { status: 'ok' });
      if (url === '/api/v1/me') {
        if (req.headers.authorization !== 'Bearer good')
          return json(401, { error: { code: 'token_expired', message: 'The access token has expired' } });
        return json(200, { id: 'not a user' });
      }
      if (url.startsWith('/api/v1/courses/busy')) return json(503, { error: { code: 'x', message: 'busy' } });
      if (url.startsWith('/api/v1/courses/slow')) return; // never answers
      if (url.startsWith('/api/v1/uploads/')) return json(200, { index: 2, size: 3, sha256: 'a'.repeat(64) });
      if (url.startsWith('/api/v1/orders/')) {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<p>receipt</p>');
      }
      json(404, { error: { code: 'not_found', message: 'No such thing' } });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function connection(baseUrl = base, timeoutMs = 8000) {
  const contacts: [boolean, string | undefined][] = [];
  const c = serverConnection({ baseUrl, timeoutMs, onContact: (ok, e) => contacts.push([ok, e]) });
  return { c, contacts };
}
const failure = (p: Promise<unknown>) =>
  p.then(
    () => new Error('resolved'),
    (e: unknown) => e,
  );

describe('the desktop core’s connection (the typed client with the core’s errors)', () => {
  it('passes the token of the call, reports contact, and maps an error body to ServerError', async () => {
    const { c, contacts } = connection();
    expect(await c.health()).toEqual({ status: 'ok' });
    const err = await failure(c.call('getMe', {}, { token: 'stale' }));
    expect(err).toBeInstanceOf(ServerError);
    expect((err as ServerError).status).toBe(401);
    // The core's session service refreshes its own tokens: no retry here, the code reaches it.
    expect((err as ServerError).code).toBe('token_expired');
    expect(seen.at(-1)?.headers.authorization).toBe('Bearer stale');
    const missing = await failure(c.call('getCourse', { params: { id: 'nope' } }, { token: null }));
    expect((missing as ServerError).code).toBe('not_found');
    expect(seen.at(-1)?.headers.authorization).toBeUndefined();
    expect(contacts).toEqual([
      [true, undefined],
      [true, undefined],
      [true, undefined],
    ]);
  });

  it('an answer off the contract is ServerContractError', async () => {
    const { c } = connection();
    const err = await failure(c.call('getMe', {}, { token: 'good' }));
    expect(err).toBeInstanceOf(ServerContractError);
    expect((err as Error).message).toContain('GET /api/v1/me');
  });

  it('no server, a gateway answer or no answer in time is ServerUnreachable, reported as lost contact', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const down = connection(`http://127.0.0.1:${port}`);
    const refused = await failure(down.c.health());
    expect(refused).toBeInstanceOf(ServerUnreachable);
    expect(down.contacts).toEqual([[false, 'connection refused']]);

    const { c, contacts } = connection(base, 300);
    expect(await failure(c.call('getCourse', { params: { id: 'busy' } }))).toBeInstanceOf(ServerUnreachable);
    const slow = await failure(c.call('getCourse', { params: { id: 'slow' } }));
    expect(slow).toBeInstanceOf(ServerUnreachable);
    expect(contacts).toEqual([
      [false, 'the server answered 503'],
      [false, 'the server did not answer in time'],
    ]);
  });

  it('sends raw bytes with extra headers, and answers a page as a Response', async () => {
    const { c } = connection();
    const bytes = new Uint8Array([1, 2, 3]);
    const res = await c.call(
      'putUploadChunk',
      { params: { id: 'u1', index: '2' } },
      { token: 't', bytes, headers: { 'x-chunk-sha256': 'ab' } },
    );
    expect(res).toEqual({ index: 2, size: 3, sha256: 'a'.repeat(64) });
    const put = seen.at(-1)!;
    expect([put.method, put.url, put.headers['content-type'], put.headers['x-chunk-sha256']]).toEqual([
      'PUT',
      '/api/v1/uploads/u1/chunks/2',
      'application/octet-stream',
      'ab',
    ]);
    expect([...put.body]).toEqual([1, 2, 3]);
    const page = await c.send('getOrderReceipt', { params: { id: 'o1' } }, { token: 't' });
    expect(await page.text()).toBe('<p>receipt</p>');
  });

  it('a call stopped by its caller rejects with the stop reason, not as the server being unreachable', async () => {
    const { c, contacts } = connection();
    const stop = new AbortController();
    const p = failure(c.call('getCourse', { params: { id: 'slow' } }, { signal: stop.signal }));
    stop.abort(new Error('paused'));
    expect(((await p) as Error).message).toBe('paused');
    expect(contacts).toEqual([]);
  });
});
