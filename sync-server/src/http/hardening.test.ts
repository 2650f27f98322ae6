import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/harness.ts';
import { loadConfig } from '../config.ts';

/** Issue 12, defect 9: the smaller findings of the attack on a running server. */
let t: TestServer;
let student: Awaited<ReturnType<TestServer['user']>>;
let admin: Awaited<ReturnType<TestServer['user']>>;
beforeAll(async () => {
  t = await startTestServer();
  student = await t.user('student');
  admin = await t.user('admin');
});
afterAll(() => t.close());

/** Send raw bytes and read the whole answer (the server closes the connection). */
function rawHttp(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(request));
    let out = '';
    socket.setEncoding('utf8').on('data', (c: string) => (out += c));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
  });
}

describe('personal answers are never cached', () => {
  it('sends Cache-Control: no-store on /me, /me/*, admin lists and answers to a signed-in caller', async () => {
    for (const [path, token] of [
      ['/api/v1/me', student.token],
      ['/api/v1/me/preferences', student.token],
      ['/api/v1/me/enrollments', student.token],
      ['/api/v1/admin/users', admin.token],
      ['/api/v1/analytics/xapi-clients', admin.token],
      ['/api/v1/courses', student.token],
    ] as const) {
      const r = await t.api('GET', path, { token });
      expect(r.status, path).toBe(200);
      expect(r.headers.get('cache-control'), path).toBe('no-store');
    }
  });

  it('leaves anonymous public answers cacheable', async () => {
    const r = await t.api('GET', '/api/v1/courses');
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).not.toBe('no-store');
  });
});

describe('requests Node refuses itself answer the error shape', () => {
  it('a URL over the header limit: 431 headers_too_large in JSON', async () => {
    const res = await fetch(`${t.url}/api/v1/courses?q=${'x'.repeat(20_000)}`);
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toMatchObject({
      error: { code: 'headers_too_large', message: expect.any(String) },
    });
  });

  it('bytes that are not HTTP: 400 in JSON', async () => {
    const answer = await rawHttp(t.url, 'HELLO / NOT-HTTP\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'validation_failed' } });
  });

  it('a path with a broken percent-escape is 400, not 500', async () => {
    const r = await t.api<{ error: { code: string } }>('GET', '/api/v1/courses/%');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
  });
});

describe('the default CORS list', () => {
  it('holds no development origin in production', () => {
    const prod = loadConfig({ NODE_ENV: 'production' }).CORS_ORIGINS;
    expect(prod).toEqual(['app://lyceum']);
    expect(loadConfig({}).CORS_ORIGINS).toContain('http://localhost:5173');
    expect(loadConfig({ NODE_ENV: 'production', CORS_ORIGINS: 'https://a.example' }).CORS_ORIGINS).toEqual([
      'https://a.example',
    ]);
  });
});

describe('/metrics is judged by the real client address', () => {
  it('refuses a forwarded request without METRICS_TOKEN, even from a private address', async () => {
    expect((await fetch(`${t.url}/metrics`)).status).toBe(200);
    for (const xff of ['8.8.8.8', '10.0.0.5', '127.0.0.1, 203.0.113.9']) {
      const r = await fetch(`${t.url}/metrics`, { headers: { 'x-forwarded-for': xff } });
      expect(r.status, xff).toBe(403);
      expect(await r.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
  });

  it('behind a configured proxy, only a loopback client or the token may scrape', async () => {
    const token = 'm'.repeat(24);
    const proxied = await startTestServer({ TRUST_PROXY: '127.0.0.1' });
    const withToken = await startTestServer({ TRUST_PROXY: '127.0.0.1', METRICS_TOKEN: token });
    try {
      // The real client is this test on loopback: allowed; one relayed for 10.0.0.5 is not.
      expect((await fetch(`${proxied.url}/metrics`)).status).toBe(200);
      expect(
        (await fetch(`${proxied.url}/metrics`, { headers: { 'x-forwarded-for': '10.0.0.5' } })).status,
      ).toBe(403);
      expect((await fetch(`${withToken.url}/metrics`)).status).toBe(401);
      const ok = await fetch(`${withToken.url}/metrics`, {
        headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': '203.0.113.9' },
      });
      expect(ok.status).toBe(200);
    } finally {
      await proxied.close();
      await withToken.close();
    }
  });
});
