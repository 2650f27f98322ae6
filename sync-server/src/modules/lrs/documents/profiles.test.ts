import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomUUID } from 'node:crypto';
import { startLrsTest, type LrsTest } from '../test-support.ts';

/**
 * xAPI 1.0.3 Communication 2.6 (Agent Profile), 2.7 (Activity Profile) and 3.1 (Concurrency: ETag, If-Match,
 * If-None-Match, 409 and 412), written from the specification's text.
 */
let l: LrsTest;
const ACTIVITY_PROFILE = '/xapi/activities/profile';
const AGENT_PROFILE = '/xapi/agents/profile';
const STATE = '/xapi/activities/state';
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const url = (path: string, p: Record<string, string>) => `${path}?${new URLSearchParams(p).toString()}`;
const agent = () => JSON.stringify({ mbox: `mailto:${randomUUID()}@example.org` });

/** A fresh context of each profile resource. */
interface ProfileResource {
  name: string;
  path: string;
  ctx: Record<string, string>;
}
const resources = (): ProfileResource[] => [
  {
    name: 'Activity Profile',
    path: ACTIVITY_PROFILE,
    ctx: { activityId: `http://example.org/a/${randomUUID()}` },
  },
  { name: 'Agent Profile', path: AGENT_PROFILE, ctx: { agent: agent() } },
];

beforeAll(async () => {
  l = await startLrsTest();
});
afterAll(() => l.close());

describe('2.6 / 2.7 profile resources: documents and listings', () => {
  it('PUT (If-None-Match: *) creates, GET answers it with its ETag; GET without profileId lists ids, since exclusive', async () => {
    for (const r of resources()) {
      const doc = url(r.path, { ...r.ctx, profileId: 'p1' });
      const put = await l.x('PUT', doc, { body: { level: 1 }, headers: { 'if-none-match': '*' } });
      expect([r.name, put.status]).toEqual([r.name, 204]);
      const got = await l.x('GET', doc);
      expect(got.status).toBe(200);
      expect(got.body).toEqual({ level: 1 });
      expect(got.headers.get('etag')).toBe(`"${sha1(got.text)}"`);
      const before = new Date(Date.now() - 60_000).toISOString();
      await l.x('POST', url(r.path, { ...r.ctx, profileId: 'p2' }), { body: 'x', contentType: 'text/plain' });
      const list = await l.x<string[]>('GET', url(r.path, r.ctx));
      expect([r.name, list.body]).toEqual([r.name, ['p1', 'p2']]);
      expect((await l.x('GET', url(r.path, { ...r.ctx, since: before }))).body).toEqual(['p1', 'p2']);
      const after = new Date(Date.now() + 60_000).toISOString();
      expect((await l.x('GET', url(r.path, { ...r.ctx, since: after }))).body).toEqual([]);
      expect((await l.x('GET', url(r.path, { ...r.ctx, profileId: 'none' }))).status).toBe(404);
    }
  });

  it('POST merges JSON objects (204) and refuses to merge into a non-JSON document (400)', async () => {
    for (const r of resources()) {
      const doc = url(r.path, { ...r.ctx, profileId: 'prefs' });
      expect((await l.x('POST', doc, { body: { a: 1, b: 1 } })).status).toBe(204);
      expect((await l.x('POST', doc, { body: { b: 2 } })).status).toBe(204);
      expect((await l.x('GET', doc)).body).toEqual({ a: 1, b: 2 });
      const text = url(r.path, { ...r.ctx, profileId: 'text' });
      await l.x('POST', text, { body: 'hello', contentType: 'text/plain' });
      expect((await l.x('POST', text, { body: { a: 1 } })).status).toBe(400);
      expect((await l.x('GET', text)).text).toBe('hello');
    }
  });

  it('DELETE needs profileId (400 without); deletes the document (204)', async () => {
    for (const r of resources()) {
      const doc = url(r.path, { ...r.ctx, profileId: 'gone' });
      await l.x('PUT', doc, { body: { a: 1 }, headers: { 'if-none-match': '*' } });
      const noId = await l.x('DELETE', url(r.path, r.ctx));
      expect(noId.status).toBe(400);
      expect((await l.x('DELETE', doc)).status).toBe(204);
      expect((await l.x('GET', doc)).status).toBe(404);
    }
  });

  it('400 for a missing activityId / agent, a Group agent, a stateId instead of profileId', async () => {
    const group = JSON.stringify({ objectType: 'Group', mbox: 'mailto:team@example.org' });
    for (const [path, params] of [
      [ACTIVITY_PROFILE, { profileId: 'p' }],
      [AGENT_PROFILE, { profileId: 'p' }],
      [AGENT_PROFILE, { agent: group, profileId: 'p' }],
      [ACTIVITY_PROFILE, { activityId: 'http://example.org/a', stateId: 'p' }],
    ] as const) {
      const r = await l.x('GET', url(path, params));
      expect([path, params, r.status]).toEqual([path, params, 400]);
    }
  });
});

describe('3.1 Concurrency', () => {
  it('PUT without If-Match/If-None-Match over an existing profile: 409 with advice, document unchanged (3.1.s4.b13–b15)', async () => {
    for (const r of resources()) {
      const doc = url(r.path, { ...r.ctx, profileId: 'c' });
      await l.x('PUT', doc, { body: { v: 1 }, headers: { 'if-none-match': '*' } });
      const put = await l.x<{ error: { code: string; message: string } }>('PUT', doc, { body: { v: 2 } });
      expect(put.status).toBe(409);
      expect(put.body.error.code).toBe('document_conflict');
      expect(put.body.error.message).toMatch(/If-Match/);
      expect((await l.x('GET', doc)).body).toEqual({ v: 1 });
    }
  });

  it('PUT without headers creates a profile document that does not exist yet', async () => {
    for (const r of resources()) {
      const doc = url(r.path, { ...r.ctx, profileId: 'fresh' });
      expect((await l.x('PUT', doc, { body: { v: 1 } })).status).toBe(204);
    }
  });

  it('PUT with If-Match: the current ETag replaces (204); a stale ETag fails with 412 and changes nothing', async () => {
    for (const r of resources()) {
      const doc = url(r.path, { ...r.ctx, profileId: 'm' });
      await l.x('PUT', doc, { body: { v: 1 }, headers: { 'if-none-match': '*' } });
      const etag = (await l.x('GET', doc)).headers.get('etag')!;
      expect((await l.x('PUT', doc, { body: { v: 2 }, headers: { 'if-match': etag } })).status).toBe(204);
      const stale = await l.x('PUT', doc, { body: { v: 3 }, headers: { 'if-match': etag } });
      expect(stale.status).toBe(412);
      expect(stale.body).toMatchObject({ error: { code: 'precondition_failed' } });
      expect((await l.x('GET', doc)).body).toEqual({ v: 2 });
      const fresh = (await l.x('GET', doc)).headers.get('etag')!;
      expect(fresh).toBe(`"${sha1(JSON.stringify({ v: 2 }))}"`);
      expect(
        (await l.x('PUT', doc, { body: { v: 4 }, headers: { 'if-match': `"x", ${fresh}` } })).status,
      ).toBe(204);
      expect((await l.x('PUT', doc, { body: { v: 5 }, headers: { 'if-match': '*' } })).status).toBe(204);
      const absent = url(r.path, { ...r.ctx, profileId: 'absent' });
      expect((await l.x('PUT', absent, { body: { v: 1 }, headers: { 'if-match': '*' } })).status).toBe(412);
      expect((await l.x('GET', absent)).status).toBe(404);
    }
  });

  it('PUT with If-None-Match: * over an existing document fails with 412 and changes nothing', async () => {
    for (const r of resources()) {
      const doc = url(r.path, { ...r.ctx, profileId: 'n' });
      await l.x('PUT', doc, { body: { v: 1 }, headers: { 'if-none-match': '*' } });
      const again = await l.x('PUT', doc, { body: { v: 2 }, headers: { 'if-none-match': '*' } });
      expect(again.status).toBe(412);
      expect((await l.x('GET', doc)).body).toEqual({ v: 1 });
    }
  });

  it('POST and DELETE honour If-Match and If-None-Match (412, nothing changed) — also on the State resource', async () => {
    const state = {
      name: 'State',
      path: STATE,
      ctx: { activityId: `http://example.org/a/${randomUUID()}`, agent: agent() },
      idParam: 'stateId',
    };
    for (const r of [...resources().map((x) => ({ ...x, idParam: 'profileId' })), state]) {
      const doc = url(r.path, { ...r.ctx, [r.idParam]: 'pd' });
      await l.x('POST', doc, { body: { v: 1 } });
      const etag = (await l.x('GET', doc)).headers.get('etag')!;
      const wrong = '"0000000000000000000000000000000000000000"';
      expect((await l.x('POST', doc, { body: { w: 1 }, headers: { 'if-match': wrong } })).status).toBe(412);
      expect((await l.x('POST', doc, { body: { w: 1 }, headers: { 'if-none-match': '*' } })).status).toBe(
        412,
      );
      expect((await l.x('DELETE', doc, { headers: { 'if-match': wrong } })).status).toBe(412);
      expect((await l.x('GET', doc)).body).toEqual({ v: 1 });
      expect((await l.x('POST', doc, { body: { w: 1 }, headers: { 'if-match': etag } })).status).toBe(204);
      const now = (await l.x('GET', doc)).headers.get('etag')!;
      expect((await l.x('DELETE', doc, { headers: { 'if-match': now } })).status).toBe(204);
      expect([r.name, (await l.x('GET', doc)).status]).toEqual([r.name, 404]);
    }
  });

  it('concurrent conditional PUTs with the same ETag: exactly one wins, the others get 412', async () => {
    const r = resources()[0]!;
    const doc = url(r.path, { ...r.ctx, profileId: 'race' });
    await l.x('PUT', doc, { body: { v: 0 }, headers: { 'if-none-match': '*' } });
    const etag = (await l.x('GET', doc)).headers.get('etag')!;
    const answers = await Promise.all(
      [1, 2, 3, 4].map((v) => l.x('PUT', doc, { body: { v }, headers: { 'if-match': etag } })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([204, 412, 412, 412]);
    const creates = await Promise.all(
      [1, 2, 3].map((v) =>
        l.x('PUT', url(r.path, { ...r.ctx, profileId: 'first' }), {
          body: { v },
          headers: { 'if-none-match': '*' },
        }),
      ),
    );
    expect(creates.map((a) => a.status).sort()).toEqual([204, 412, 412]);
  });
});
