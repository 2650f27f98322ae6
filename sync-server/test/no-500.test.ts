import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from './harness.ts';
import { sampleCourse } from '../src/modules/catalog/fixtures.ts';

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
  'a%00b',
];
const badBodies: unknown[] = [
  {},
  [],
  'text',
  42,
  null,
  { id: 'x', courseId: 5, answers: 'all' },
  { a: { b: { c: { d: [1, 2, { e: null }] } } } },
  // NUL, a lone surrogate and a non-character in the fields that are stored or searched.
  {
    name: 'a\u0000b',
    bio: '\u0000',
    title: 'x\uD800',
    description: '\uFFFE',
    tags: ['\u0000'],
    review: '\u0000',
  },
];
const badQueries = [
  '?limit=0',
  '?limit=-5&cursor=%%%',
  '?limit=abc',
  '?q=a&q=b',
  '?cursor=bm90LWpzb24',
  `?q=${'x'.repeat(500)}`,
  '?sort=sideways&price=gratis',
  '?tag=a%00b&q=%00&subject=%00&cursor=%00',
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

  it('refuses NUL in every stored or searched text with 400 validation_failed', async () => {
    // Fresh accounts: the sweep above signed its admin out (logout, logout-all).
    const instructor = await t.user('instructor');
    const owner = await t.user('admin');
    const created = await t.api<{ id: string; version: number }>('POST', '/api/v1/courses', {
      token: instructor.token,
      body: sampleCourse(),
    });
    expect(created.status).toBe(201);
    const courseId = created.body.id;
    const prefs = await t.api<Record<string, unknown>>('GET', '/api/v1/me/preferences', {
      token: owner.token,
    });
    expect(prefs.status).toBe(200);
    type Case = { name: string; method: string; path: (v: string) => string; body?: (v: string) => unknown };
    const q = encodeURIComponent;
    const cases: Case[] = [
      {
        name: 'signup name',
        method: 'POST',
        path: () => '/api/v1/auth/signup',
        body: (v) => ({
          email: `${randomUUID()}@example.org`,
          password: 'a long enough passphrase 42',
          name: v,
        }),
      },
      { name: 'PATCH /me name', method: 'PATCH', path: () => '/api/v1/me', body: (v) => ({ name: v }) },
      { name: 'PATCH /me bio', method: 'PATCH', path: () => '/api/v1/me', body: (v) => ({ bio: v }) },
      {
        name: 'preferences timezone',
        method: 'PUT',
        path: () => '/api/v1/me/preferences',
        body: (v) => ({ ...prefs.body, timezone: v }),
      },
      {
        name: 'rating review',
        method: 'PUT',
        path: () => `/api/v1/courses/${courseId}/ratings/me`,
        body: (v) => ({ stars: 4, review: v }),
      },
      {
        name: 'quiz answers',
        method: 'POST',
        path: () => '/api/v1/quiz-attempts',
        body: (v) => ({
          id: randomUUID(),
          courseId,
          lessonId: randomUUID(),
          answers: { [randomUUID()]: v },
          submittedAt: new Date().toISOString(),
        }),
      },
      {
        name: 'course title',
        method: 'POST',
        path: () => '/api/v1/courses',
        body: (v) => sampleCourse({ title: v }),
      },
      {
        name: 'course description',
        method: 'POST',
        path: () => '/api/v1/courses',
        body: (v) => sampleCourse({ description: v }),
      },
      {
        name: 'course tags',
        method: 'POST',
        path: () => '/api/v1/courses',
        body: (v) => sampleCourse({ tags: [v] }),
      },
      {
        name: 'course title (PATCH)',
        method: 'PATCH',
        path: () => `/api/v1/courses/${courseId}`,
        // Based on the course as created (version is required): the clean edit applies, the bad ones are refused first.
        body: (v) => ({ title: v, version: created.body.version }),
      },
      {
        name: 'upload name',
        method: 'POST',
        path: () => `/api/v1/courses/${courseId}/uploads`,
        body: (v) => ({ kind: 'document', name: v, size: 100, sha256: '0'.repeat(64) }),
      },
      {
        name: 'xAPI client name',
        method: 'POST',
        path: () => '/api/v1/analytics/xapi-clients',
        body: (v) => ({ name: v }),
      },
      { name: 'GET /courses?tag', method: 'GET', path: (v) => `/api/v1/courses?tag=${q(v)}` },
      { name: 'GET /courses?q', method: 'GET', path: (v) => `/api/v1/courses?q=${q(v)}` },
      {
        name: 'GET /analytics/students/:actor',
        method: 'GET',
        path: (v) => `/api/v1/analytics/students/${q(v)}`,
      },
    ];
    const wrong: string[] = [];
    for (const c of cases) {
      const token =
        c.name === 'signup name' ? undefined : c.name.startsWith('course') ? instructor.token : owner.token;
      const send = (v: string) =>
        t.api<{ error?: { code?: string } }>(c.method, c.path(v), { token, body: c.body?.(v) });
      // The same request with clean text is not refused as invalid: the bad character is what is refused.
      const clean = await send('Clean text');
      if (clean.status >= 500 || clean.body?.error?.code === 'validation_failed')
        wrong.push(`${c.name}: clean text → ${clean.status} ${JSON.stringify(clean.body)}`);
      // A lone surrogate cannot be written in a URL (it has no UTF-8 bytes): only in JSON bodies.
      for (const bad of ['a\u0000b', '\uFFFF', ...(c.method === 'GET' ? [] : ['a\uD800b'])]) {
        const r = await send(bad);
        if (r.status !== 400 || r.body?.error?.code !== 'validation_failed')
          wrong.push(`${c.name}: ${JSON.stringify(bad)} → ${r.status} ${JSON.stringify(r.body)}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
