import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../test/harness.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const raw = (method: string, path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(t.url + path, { method, body, headers: { 'content-type': 'application/json', ...headers } }).then(
    async (r) => ({
      status: r.status,
      body: (await r.json()) as ErrorBody,
    }),
  );

describe('bad input gets a 4xx with a machine-readable code', () => {
  it('malformed JSON', async () => {
    const r = await raw('POST', '/api/v1/auth/login', '{"email": "a@b.c",');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('malformed_json');
  });

  it('wrong types, with the failing field named', async () => {
    const r = await raw('POST', '/api/v1/auth/login', JSON.stringify({ email: 42, password: true }));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
    const paths = (r.body.error.details as { issues: { path: string }[] }).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['body.email', 'body.password']));
  });

  it('unknown fields', async () => {
    const r = await raw(
      'POST',
      '/api/v1/auth/login',
      JSON.stringify({ email: 'a@b.co', password: 'x', admin: true }),
    );
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
  });

  it('oversize bodies', async () => {
    const r = await raw(
      'POST',
      '/api/v1/auth/signup',
      JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(2_200_000), name: 'n' }),
    );
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('payload_too_large');
  });

  it('bad ids', async () => {
    const admin = await t.user('admin');
    const r = await t.api<ErrorBody>('GET', '/api/v1/admin/users/not-a-uuid', { token: admin.token });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_id');
  });

  it('a body that is not JSON', async () => {
    const r = await raw('POST', '/api/v1/auth/login', 'email=a', { 'content-type': 'text/plain' });
    expect(r.status).toBe(415);
    expect(r.body.error.code).toBe('unsupported_media_type');
  });

  it('unknown routes', async () => {
    const r = await t.api<ErrorBody>('GET', '/api/v1/nope');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('route_not_found');
  });

  it('a garbage bearer token on a protected route', async () => {
    const r = await t.api<ErrorBody>('GET', '/api/v1/me', {
      headers: { authorization: 'Bearer abc.def.ghi' },
    });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('invalid_token');
  });

  it('a disabled account is refused at once, even with a valid token', async () => {
    const admin = await t.user('admin');
    const victim = await t.user('student');
    const d = await t.api('PATCH', `/api/v1/admin/users/${victim.id}`, {
      token: admin.token,
      body: { disabled: true },
    });
    expect(d.status).toBe(200);
    const r = await t.api<ErrorBody>('GET', '/api/v1/me', { token: victim.token });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('account_disabled');
  });
});

describe('service endpoints', () => {
  it('health and readiness', async () => {
    expect((await t.api('GET', '/health')).status).toBe(200);
    const ready = await t.api<{ status: string }>('GET', '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
  });

  it('every response carries a request id, and an incoming one is kept', async () => {
    const r = await t.api('GET', '/health', { headers: { 'x-request-id': 'trace-123' } });
    expect(r.headers.get('x-request-id')).toBe('trace-123');
    const r2 = await t.api('GET', '/health');
    expect(r2.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves an OpenAPI 3.1 document of every route, and a docs page', async () => {
    const doc = await t.api<{
      openapi: string;
      paths: Record<string, Record<string, { operationId: string }>>;
    }>('GET', '/api/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    const ops = Object.values(doc.body.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(ops.length).toBe(t.server.routes.length);
    expect(ops).toContain('login');
    expect(doc.body.paths['/api/v1/admin/users/{id}']?.get?.operationId).toBe('getUser');
    const page = await fetch(`${t.url}/api/docs/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
    const asset = await fetch(`${t.url}/api/docs/assets/swagger-ui-bundle.js`);
    expect(asset.status).toBe(200);
  });

  it('security headers and CORS for the desktop origin only', async () => {
    const ok = await fetch(`${t.url}/health`, { headers: { origin: 'app://lyceum' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('app://lyceum');
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    const evil = await fetch(`${t.url}/health`, { headers: { origin: 'https://evil.example' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});
