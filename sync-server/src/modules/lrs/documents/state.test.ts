import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomUUID } from 'node:crypto';
import { startLrsTest, type LrsTest } from '../test-support.ts';

/** xAPI 1.0.3 Communication 2.2 (document resources) and 2.3 (State resource), written from the specification's text. */
let l: LrsTest;
const STATE = '/xapi/activities/state';
const agent = (email = 'ana@example.org') => JSON.stringify({ objectType: 'Agent', mbox: `mailto:${email}` });
const activityId = () => `http://example.org/activities/${randomUUID()}`;
const q = (p: Record<string, string>) => `${STATE}?${new URLSearchParams(p).toString()}`;
const sha1 = (s: string | Buffer) => createHash('sha1').update(s).digest('hex');

beforeAll(async () => {
  l = await startLrsTest();
});
afterAll(() => l.close());

describe('2.3 State resource: single documents', () => {
  it('PUT stores any content type (204); GET answers the same bytes, content type, quoted SHA-1 ETag and Last-Modified', async () => {
    const ctx = { activityId: activityId(), agent: agent(), stateId: 'bookmark' };
    const bytes = Buffer.from([0, 1, 2, 250, 251, 255]);
    const put = await l.x('PUT', q(ctx), { raw: bytes, contentType: 'application/octet-stream' });
    expect(put.status).toBe(204);
    expect(put.text).toBe('');
    const got = await l.x('GET', q(ctx));
    expect(got.status).toBe(200);
    expect(got.bytes.equals(bytes)).toBe(true);
    expect(got.headers.get('content-type')).toBe('application/octet-stream');
    expect(got.headers.get('etag')).toBe(`"${sha1(bytes)}"`);
    expect(Date.parse(got.headers.get('last-modified') ?? '')).toBeGreaterThan(0);
    const head = await l.x('HEAD', q(ctx));
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers.get('etag')).toBe(`"${sha1(bytes)}"`);
    const text = await l.x('PUT', q({ ...ctx, stateId: 'note' }), {
      body: 'plain words',
      contentType: 'text/plain',
    });
    expect(text.status).toBe(204);
    const note = await l.x('GET', q({ ...ctx, stateId: 'note' }));
    expect(note.text).toBe('plain words');
    expect(note.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('PUT replaces an existing state document without concurrency headers (3.1.s3: State is exempt)', async () => {
    const ctx = { activityId: activityId(), agent: agent(), stateId: 's' };
    expect((await l.x('PUT', q(ctx), { body: { a: 1 } })).status).toBe(204);
    expect((await l.x('PUT', q(ctx), { body: { b: 2 } })).status).toBe(204);
    expect((await l.x('GET', q(ctx))).body).toEqual({ b: 2 });
  });

  it('GET of a document that does not exist answers 404 not_found', async () => {
    const r = await l.x('GET', q({ activityId: activityId(), agent: agent(), stateId: 'none' }));
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ error: { code: 'not_found' } });
  });

  it('registration is part of the context: the same stateId with and without a registration are two documents', async () => {
    const base = { activityId: activityId(), agent: agent(), stateId: 'progress' };
    const reg = randomUUID();
    await l.x('PUT', q(base), { body: { where: 'none' } });
    await l.x('PUT', q({ ...base, registration: reg.toUpperCase() }), { body: { where: 'reg' } });
    expect((await l.x('GET', q(base))).body).toEqual({ where: 'none' });
    expect((await l.x('GET', q({ ...base, registration: reg }))).body).toEqual({ where: 'reg' });
    const other = await l.x('GET', q({ ...base, registration: randomUUID() }));
    expect(other.status).toBe(404);
  });

  it('the agent is matched by its identifier: name and objectType do not change the context', async () => {
    const ctx = { activityId: activityId(), stateId: 'x' };
    await l.x('PUT', q({ ...ctx, agent: agent('bo@example.org') }), { body: { n: 1 } });
    const same = await l.x(
      'GET',
      q({ ...ctx, agent: JSON.stringify({ mbox: 'mailto:bo@example.org', name: 'Bo' }) }),
    );
    expect(same.body).toEqual({ n: 1 });
    expect((await l.x('GET', q({ ...ctx, agent: agent('cy@example.org') }))).status).toBe(404);
  });
});

describe('2.2 JSON procedure: POST merges top-level properties', () => {
  it('the specification’s example: {x:foo,y:bar} + {x:bash,z:faz} → {x:bash,y:bar,z:faz}, 204', async () => {
    const ctx = { activityId: activityId(), agent: agent(), stateId: 'vars' };
    expect((await l.x('POST', q(ctx), { body: { x: 'foo', y: 'bar' } })).status).toBe(204);
    const post = await l.x('POST', q(ctx), { body: { x: 'bash', z: 'faz' } });
    expect(post.status).toBe(204);
    const got = await l.x('GET', q(ctx));
    expect(got.body).toEqual({ x: 'bash', y: 'bar', z: 'faz' });
    expect(got.headers.get('etag')).toBe(`"${sha1(got.text)}"`);
  });

  it('only top-level properties merge: a nested object is replaced whole', async () => {
    const ctx = { activityId: activityId(), agent: agent(), stateId: 'nested' };
    await l.x('POST', q(ctx), { body: { o: { a: 1, b: 2 }, keep: true } });
    await l.x('POST', q(ctx), { body: { o: { c: 3 } } });
    expect((await l.x('GET', q(ctx))).body).toEqual({ o: { c: 3 }, keep: true });
  });

  it('400 and no change when the posted or the existing document is not an application/json object (2.2.s8.b1)', async () => {
    const ctx = { activityId: activityId(), agent: agent(), stateId: 'json' };
    await l.x('PUT', q(ctx), { body: { a: 1 } });
    const notJsonType = await l.x('POST', q(ctx), { body: 'a=1', contentType: 'text/plain' });
    expect(notJsonType.status).toBe(400);
    expect(notJsonType.body).toMatchObject({ error: { code: 'validation_failed' } });
    const array = await l.x('POST', q(ctx), { body: [1, 2] });
    expect(array.status).toBe(400);
    const malformed = await l.x('POST', q(ctx), { body: '{"a":', contentType: 'application/json' });
    expect(malformed.status).toBe(400);
    expect((await l.x('GET', q(ctx))).body).toEqual({ a: 1 });
    const text = { ...ctx, stateId: 'text' };
    await l.x('PUT', q(text), { body: 'words', contentType: 'text/plain' });
    const onText = await l.x('POST', q(text), { body: { a: 1 } });
    expect(onText.status).toBe(400);
    expect((await l.x('GET', q(text))).text).toBe('words');
  });
});

describe('2.3 State resource: multiple documents', () => {
  it('GET without stateId lists the ids of the context; since (exclusive) limits it to later updates', async () => {
    const ctx = { activityId: activityId(), agent: agent() };
    await l.x('PUT', q({ ...ctx, stateId: 'a' }), { body: { v: 1 } });
    await l.x('PUT', q({ ...ctx, stateId: 'b' }), { body: { v: 1 } });
    const all = await l.x<string[]>('GET', q(ctx));
    expect(all.status).toBe(200);
    expect([...all.body].sort()).toEqual(['a', 'b']);
    expect(all.headers.get('etag')).toMatch(/^"[0-9a-f]{40}"$/);
    const lastA = Date.parse(all.headers.get('last-modified') ?? '');
    expect(lastA).toBeGreaterThan(0);
    const bGot = await l.x('GET', q({ ...ctx, stateId: 'b' }));
    const bTime = new Date(bGot.headers.get('last-modified') ?? '');
    const mark = new Date().toISOString();
    // The next write is stored after `mark` (exclusive): let the clock pass it.
    while (Date.now() <= Date.parse(mark)) await new Promise((r) => setTimeout(r, 1));
    await l.x('PUT', q({ ...ctx, stateId: 'c' }), { body: { v: 1 } });
    expect((await l.x('GET', q({ ...ctx, since: mark }))).body).toEqual(['c']);
    expect(
      (await l.x('GET', q({ ...ctx, since: new Date(bTime.getTime() - 60_000).toISOString() }))).body,
    ).toEqual(['a', 'b', 'c']);
    expect((await l.x('GET', q({ activityId: activityId(), agent: agent() }))).body).toEqual([]);
    const bad = await l.x('GET', q({ ...ctx, since: 'yesterday' }));
    expect(bad.status).toBe(400);
  });

  it('DELETE with stateId deletes one document; without it, every document of the context (and only those)', async () => {
    const ctx = { activityId: activityId(), agent: agent() };
    const reg = randomUUID();
    for (const id of ['a', 'b', 'c']) await l.x('PUT', q({ ...ctx, stateId: id }), { body: { id } });
    await l.x('PUT', q({ ...ctx, registration: reg, stateId: 'r' }), { body: { r: 1 } });
    const one = await l.x('DELETE', q({ ...ctx, stateId: 'a' }));
    expect(one.status).toBe(204);
    expect((await l.x('GET', q({ ...ctx, stateId: 'a' }))).status).toBe(404);
    expect(((await l.x<string[]>('GET', q(ctx))).body as string[]).sort()).toEqual(['b', 'c']);
    expect((await l.x('DELETE', q({ ...ctx, registration: reg }))).status).toBe(204);
    expect((await l.x('GET', q({ ...ctx, registration: reg }))).body).toEqual([]);
    expect(((await l.x<string[]>('GET', q(ctx))).body as string[]).sort()).toEqual(['b', 'c']);
    expect((await l.x('DELETE', q(ctx))).status).toBe(204);
    expect((await l.x('GET', q(ctx))).body).toEqual([]);
  });
});

describe('2.3 / 3.2 parameters', () => {
  it('400 for a missing activityId, agent or (PUT/POST) stateId, a Group or malformed agent, a non-IRI activityId, a bad registration, an unknown or miscased parameter', async () => {
    const ok = { activityId: activityId(), agent: agent(), stateId: 's' };
    const cases: Array<[string, Record<string, string>]> = [
      ['PUT', { agent: ok.agent, stateId: 's' }],
      ['PUT', { activityId: ok.activityId, stateId: 's' }],
      ['PUT', { activityId: ok.activityId, agent: ok.agent }],
      ['POST', { activityId: ok.activityId, agent: ok.agent }],
      [
        'GET',
        { ...ok, agent: JSON.stringify({ objectType: 'Group', member: [{ mbox: 'mailto:a@example.org' }] }) },
      ],
      ['GET', { ...ok, agent: '{"mbox":' }],
      [
        'GET',
        { ...ok, agent: JSON.stringify({ mbox: 'mailto:a@example.org', openid: 'http://a.example.org' }) },
      ],
      ['GET', { ...ok, activityId: 'not an iri' }],
      ['GET', { ...ok, registration: 'nope' }],
      ['GET', { ...ok, colour: 'red' }],
      ['GET', { ...ok, StateId: 's' }],
    ];
    for (const [method, params] of cases) {
      const r = await l.x(method, q(params), method === 'GET' ? {} : { body: { a: 1 } });
      expect([method, params, r.status]).toEqual([method, params, 400]);
      expect(r.body).toMatchObject({ error: { code: 'validation_failed' } });
    }
  });

  it('needs credentials (401) and a 1.0.x version header (400), like every LRS resource', async () => {
    const url = `${l.t.url}${q({ activityId: activityId(), agent: agent() })}`;
    expect((await fetch(url, { headers: { 'x-experience-api-version': '1.0.3' } })).status).toBe(401);
    const r = await l.x('GET', q({ activityId: activityId(), agent: agent() }), { version: null });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: { code: 'xapi_version_unsupported' } });
  });
});
