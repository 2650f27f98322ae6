import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@lyceum/testing';
import { startCore, type Core } from '../core.ts';

let core: Core;
let dir: string;
let renderer: string;

/** Raw HTTP with full control over Host/Origin (fetch would set Host itself). */
async function raw(
  method: string,
  p: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: core.port,
        method,
        path: p,
        headers: { host: `127.0.0.1:${core.port}`, ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const code = (r: { body: string }) => (JSON.parse(r.body) as { error: { code: string } }).error.code;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-guard-'));
  renderer = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  fs.writeFileSync(
    path.join(renderer, 'index.html'),
    '<!doctype html><title>Lyceum</title><script type="module" src="/assets/app.js"></script>',
  );
  fs.writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'outside.txt'), 'secret file');
  // Nothing listens on this port: the core is offline, which is all these tests need.
  const dead = await freePort();
  core = await startCore({
    config: {
      serverUrl: `http://127.0.0.1:${dead}`,
      dataDir: path.join(dir, 'data'),
      port: 0,
      requestTimeoutMs: 1000,
    },
    rendererDir: renderer,
  });
});
afterAll(async () => {
  await core?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('local API guard', () => {
  it('listens on loopback only', () => {
    expect(core.url).toBe(`http://127.0.0.1:${core.port}`);
  });

  it('refuses API calls without the launch secret or with a wrong one (401)', async () => {
    const none = await raw('GET', '/api/session');
    expect(none.status).toBe(401);
    expect(code(none)).toBe('launch_secret_required');
    const wrong = await raw('GET', '/api/session', {
      authorization: `Bearer ${'x'.repeat(core.secret.length)}`,
    });
    expect(wrong.status).toBe(401);
    const wrongCookie = await raw('GET', '/api/session', { cookie: `lyceum_launch_${core.port}=nope` });
    expect(wrongCookie.status).toBe(401);
    // The secret under another core's cookie name (another port) does not count.
    const otherPort = await raw('GET', '/api/session', { cookie: `lyceum_launch_1=${core.secret}` });
    expect(otherPort.status).toBe(401);
  });

  it('answers with the secret as bearer token or cookie', async () => {
    const bearer = await raw('GET', '/api/app', { authorization: `Bearer ${core.secret}` });
    expect(bearer.status).toBe(200);
    expect(JSON.parse(bearer.body)).toMatchObject({ name: 'Lyceum', mode: 'web' });
    const cookie = await raw('GET', '/api/app', {
      cookie: `lyceum_launch_1=${core.secret}; lyceum_launch_${core.port}=${core.secret}`,
    });
    expect(cookie.status).toBe(200);
  });

  it('refuses a foreign Host header even with the secret (DNS rebinding) with 421', async () => {
    for (const host of [`evil.example:${core.port}`, '127.0.0.1', `127.0.0.1:${core.port + 1}`]) {
      const r = await raw('GET', '/api/app', { host, authorization: `Bearer ${core.secret}` });
      expect(r.status).toBe(421);
      expect(code(r)).toBe('misdirected_request');
    }
    const page = await raw('GET', '/', { host: 'evil.example' });
    expect(page.status).toBe(421);
    const localhost = await raw('GET', '/api/app', {
      host: `localhost:${core.port}`,
      authorization: `Bearer ${core.secret}`,
    });
    expect(localhost.status).toBe(200);
  });

  it('refuses state-changing requests from another origin, and cookie requests without an Origin (403)', async () => {
    const body = JSON.stringify({ email: 'a@b.test', password: 'x' });
    const json = { 'content-type': 'application/json', cookie: `lyceum_launch_${core.port}=${core.secret}` };
    const foreign = await raw('POST', '/api/session', { ...json, origin: 'http://evil.example' }, body);
    expect(foreign.status).toBe(403);
    expect(code(foreign)).toBe('cross_origin');
    const noOrigin = await raw('POST', '/api/session', json, body);
    expect(noOrigin.status).toBe(403);
    const crossSite = await raw('GET', '/api/session', {
      cookie: `lyceum_launch_${core.port}=${core.secret}`,
      'sec-fetch-site': 'cross-site',
    });
    expect(crossSite.status).toBe(403);
    // Another port of 127.0.0.1 is the same site, but not the same origin.
    const sameSite = await raw('GET', '/api/session', {
      cookie: `lyceum_launch_${core.port}=${core.secret}`,
      'sec-fetch-site': 'same-site',
    });
    expect(sameSite.status).toBe(403);
    const bearerForeign = await raw('DELETE', '/api/session', {
      authorization: `Bearer ${core.secret}`,
      origin: 'http://evil.example',
    });
    expect(bearerForeign.status).toBe(403);
    // Same origin gets through the guard: the server is down, so signing in answers "offline".
    const same = await raw('POST', '/api/session', { ...json, origin: core.url }, body);
    expect(same.status).toBe(503);
    expect(code(same)).toBe('offline');
  });

  it('validates input and answers unknown routes with machine-readable errors', async () => {
    const auth = { authorization: `Bearer ${core.secret}`, 'content-type': 'application/json' };
    const bad = await raw('POST', '/api/session', auth, '{"email": "not-an-email", "password": ""}');
    expect(bad.status).toBe(400);
    expect(code(bad)).toBe('validation_failed');
    const malformed = await raw('POST', '/api/session', auth, '{nope');
    expect(code(malformed)).toBe('malformed_json');
    expect(code(await raw('GET', '/api/catalog?colour=red', auth))).toBe('validation_failed');
    expect(code(await raw('GET', '/api/catalog/not-a-uuid', auth))).toBe('validation_failed');
    expect((await raw('GET', '/api/nothing', auth)).status).toBe(404);
    expect((await raw('PUT', '/api/session', auth)).status).toBe(405);
  });

  it('exchanges ?launch= for an HttpOnly SameSite=Strict cookie and strips it from the URL', async () => {
    const r = await raw('GET', `/courses/abc?launch=${encodeURIComponent(core.secret)}&x=1`);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/courses/abc?x=1');
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toContain(`lyceum_launch_${core.port}=${core.secret}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const wrong = await raw('GET', '/?launch=wrong');
    expect(wrong.status).toBe(303);
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('serves the renderer under a strict CSP, with deep links falling back to index.html and no escape from its folder', async () => {
    const page = await raw('GET', '/courses/123');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Lyceum</title>');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const asset = await raw('GET', '/assets/app.js');
    expect(asset.headers['content-type']).toContain('text/javascript');
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await raw('GET', '/assets/missing.js')).status).toBe(404);
    const escape = await raw('GET', '/..%2Foutside.txt');
    expect(escape.body).not.toContain('secret file');
  });
});
