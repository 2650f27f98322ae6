import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';

/**
 * Throws malformed input at every route in the OpenAPI document, signed in as an admin (so role checks do not
 * stop it early) and anonymously: bad ids, wrong JSON shapes, repeated and oversized query values. Nothing may
 * answer 5xx, and every 4xx must carry the error shape.
 */
let t: TestServer;
let admin: { token: string };
let operations: { method: string; path: string }[] = [];

beforeAll(async () => {
  t = await startTestServer();
  admin = await t.user('admin');
  const doc = (await t.api<{ paths: Record<string, Record<string, unknown>> }>('GET', '/api/openapi.json'))
    .body;
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((m) => ({ method: m.toUpperCase(), path })),
  );
});
afterAll(() => t.close());

const badIds = [
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
  "1'%20OR%20'1'='1",
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  'x'.repeat(300),
];
const badBodies: unknown[] = [
  {},
  [],
  'text',
  42,
  null,
  { id: 'x', courseId: 5, answers: 'all' },
  { a: { b: { c: { d: [1, 2, { e: null }] } } } },
];
const badQueries = [
  '?limit=0',
  '?limit=-5&cursor=%%%',
  '?limit=abc',
  '?q=a&q=b',
  '?cursor=bm90LWpzb24',
  `?q=${'x'.repeat(500)}`,
  '?sort=sideways&price=gratis',
];

describe('no route answers 5xx to malformed input', () => {
  it('holds for every route', async () => {
    const failures: string[] = [];
    let sent = 0;
    for (const op of operations) {
      const paths = badIds.map((id) => op.path.replace(/\{\w+\}/g, id));
      for (const p of paths.slice(0, op.path.includes('{') ? paths.length : 1)) {
        for (const token of [admin.token, undefined]) {
          const variants =
            op.method === 'GET' || op.method === 'DELETE'
              ? badQueries.map((q) => ({ path: p + q, body: undefined }))
              : badBodies.map((b) => ({ path: p, body: b === null ? 'null' : b }));
          for (const v of variants) {
            sent += 1;
            const r = await t.api<{ error?: { code?: string } }>(op.method, v.path, { token, body: v.body });
            if (r.status >= 500)
              failures.push(`${op.method} ${v.path} ${JSON.stringify(v.body)} → ${r.status}`);
            else if (r.status >= 400 && typeof r.body?.error?.code !== 'string')
              failures.push(`${op.method} ${v.path} → ${r.status} without an error code`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(500);
  }, 120_000);
});
