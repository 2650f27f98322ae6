import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startLrsTest, statement, type LrsTest } from '../test-support.ts';

/** xAPI 1.0.3 Communication 1.3 (Alternate Request Syntax) and CORS for browser-based learning content. */
let l: LrsTest;
beforeAll(async () => {
  l = await startLrsTest();
});
afterAll(() => l.close());

/** A cross-domain form post: only method in the query string, headers and parameters in the form. */
async function formPost(path: string, method: string, form: Record<string, string>, withAuth = true) {
  const fields = new URLSearchParams({
    ...(withAuth ? { Authorization: l.basic, 'X-Experience-API-Version': '1.0.3' } : {}),
    ...form,
  });
  const res = await fetch(`${l.t.url}${path}?method=${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
  });
  const text = await res.text();
  const json: unknown =
    (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text;
  return { status: res.status, body: json, headers: res.headers, text };
}

describe('1.3 Alternate request syntax', () => {
  it('PUT of a statement: content, Content-Type and the headers as form parameters, statementId as a form parameter', async () => {
    const s = statement();
    const r = await formPost('/xapi/statements', 'PUT', {
      statementId: String(s.id),
      'Content-Type': 'application/json',
      content: JSON.stringify(s),
    });
    expect(r.status).toBe(204);
    const got = await l.x<{ id: string }>('GET', `/xapi/statements?statementId=${String(s.id)}`);
    expect(got.body.id).toBe(s.id);
  });

  it('GET of statements through a form post (long queries): the form parameters are the query', async () => {
    const s = statement({ verb: { id: `http://example.org/verbs/${randomUUID()}` } });
    await l.x('POST', '/xapi/statements', { body: s });
    const r = await formPost('/xapi/statements', 'GET', { verb: (s.verb as { id: string }).id, limit: '5' });
    expect(r.status).toBe(200);
    expect((r.body as { statements: { id: string }[] }).statements.map((x) => x.id)).toEqual([s.id]);
  });

  it('document resources: PUT, POST (merge), GET and DELETE of a state document; content read as UTF-8', async () => {
    const ctx = {
      activityId: `http://example.org/a/${randomUUID()}`,
      agent: JSON.stringify({ mbox: 'mailto:ana@example.org' }),
      stateId: 'résumé',
    };
    const put = await formPost('/xapi/activities/state', 'PUT', {
      ...ctx,
      'Content-Type': 'application/json',
      content: JSON.stringify({ word: 'élève' }),
    });
    expect(put.status).toBe(204);
    const post = await formPost('/xapi/activities/state', 'POST', {
      ...ctx,
      'Content-Type': 'application/json',
      content: JSON.stringify({ n: 2 }),
    });
    expect(post.status).toBe(204);
    const get = await formPost('/xapi/activities/state', 'GET', ctx);
    expect(get.status).toBe(200);
    expect(get.body).toEqual({ word: 'élève', n: 2 });
    const etag = get.headers.get('etag')!;
    const stale = await formPost('/xapi/activities/state', 'DELETE', { ...ctx, 'If-Match': '"0"' });
    expect(stale.status).toBe(412);
    expect((await formPost('/xapi/activities/state', 'DELETE', { ...ctx, 'If-Match': etag })).status).toBe(
      204,
    );
    expect((await formPost('/xapi/activities/state', 'GET', ctx)).status).toBe(404);
  });

  it('a profile PUT over an existing document needs If-Match as a form parameter (else 409)', async () => {
    const ctx = { activityId: `http://example.org/a/${randomUUID()}`, profileId: 'p' };
    const form = { ...ctx, 'Content-Type': 'text/plain', content: 'one' };
    expect((await formPost('/xapi/activities/profile', 'PUT', form)).status).toBe(204);
    expect((await formPost('/xapi/activities/profile', 'PUT', { ...form, content: 'two' })).status).toBe(409);
    const etag = (await formPost('/xapi/activities/profile', 'GET', ctx)).headers.get('etag')!;
    const ok = await formPost('/xapi/activities/profile', 'PUT', {
      ...form,
      content: 'two',
      'If-Match': etag,
    });
    expect(ok.status).toBe(204);
    expect((await formPost('/xapi/activities/profile', 'GET', ctx)).text).toBe('two');
  });

  it('400: another query parameter beside method, an unknown method, a body that is not a form, malformed JSON content', async () => {
    const other = await fetch(`${l.t.url}/xapi/statements?method=GET&limit=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ Authorization: l.basic, 'X-Experience-API-Version': '1.0.3' }).toString(),
    });
    expect(other.status).toBe(400);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    expect((await formPost('/xapi/statements', 'PATCH', {})).status).toBe(400);
    const json = await fetch(`${l.t.url}/xapi/statements?method=GET`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: l.basic,
        'x-experience-api-version': '1.0.3',
      },
      body: '{}',
    });
    expect(json.status).toBe(400);
    const bad = await formPost('/xapi/statements', 'POST', {
      'Content-Type': 'application/json',
      content: '{"actor":',
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'malformed_json' } });
  });

  it('the credentials and version come from the form: without them 401, with a bad version 400', async () => {
    expect((await formPost('/xapi/statements', 'GET', { limit: '1' }, false)).status).toBe(401);
    const r = await formPost('/xapi/statements', 'GET', {
      Authorization: l.basic,
      'X-Experience-API-Version': '0.9',
      limit: '1',
    });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: { code: 'xapi_version_unsupported' } });
  });
});

describe('CORS for browser-based learning content', () => {
  const origin = 'https://content.example.net';

  it('a preflight from any origin is answered 204 with the xAPI methods and headers, without credentials', async () => {
    const r = await fetch(`${l.t.url}/xapi/activities/state`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'authorization, content-type, x-experience-api-version, if-match',
      },
    });
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe(origin);
    expect(r.headers.get('access-control-allow-methods')).toMatch(/PUT/);
    const allowed = (r.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const h of [
      'authorization',
      'content-type',
      'x-experience-api-version',
      'if-match',
      'if-none-match',
    ])
      expect(allowed).toContain(h);
  });

  it('answers carry the origin and expose ETag and the xAPI headers; the credentials still decide (401)', async () => {
    const ok = await l.x('GET', '/xapi/about', { headers: { origin } });
    expect(ok.headers.get('access-control-allow-origin')).toBe(origin);
    const exposed = (ok.headers.get('access-control-expose-headers') ?? '').toLowerCase();
    for (const h of [
      'etag',
      'last-modified',
      'x-experience-api-version',
      'x-experience-api-consistent-through',
    ])
      expect(exposed).toContain(h);
    const anon = await fetch(`${l.t.url}/xapi/statements`, {
      headers: { origin, 'x-experience-api-version': '1.0.3' },
    });
    expect(anon.status).toBe(401);
    expect(anon.headers.get('access-control-allow-origin')).toBe(origin);
    expect(anon.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('outside /xapi the API keeps its own origin list', async () => {
    const r = await fetch(`${l.t.url}/health`, { headers: { origin } });
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
  });
});
