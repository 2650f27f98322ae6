import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startLrsTest, statement, type LrsTest } from '../test-support.ts';

/** xAPI 1.0.3 Communication 1.3, 2.1.1–2.1.3 and 3.2 (version header): the Statements resource's writes and reads. */
let l: LrsTest;
const S = '/xapi/statements';
beforeAll(async () => {
  l = await startLrsTest();
});
afterAll(() => l.close());

describe('Communication 3.2 / 1.3: version and consistency headers', () => {
  it('refuses a missing or non-1.0.x X-Experience-API-Version with 400; every answer carries both headers', async () => {
    for (const version of [null, '0.95', '2.0.0']) {
      const r = await l.x('GET', S, { version });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ error: { code: 'xapi_version_unsupported' } });
      expect(r.headers.get('x-experience-api-version')).toBe('1.0.3');
      expect(Date.parse(r.headers.get('x-experience-api-consistent-through') ?? '')).toBeGreaterThan(0);
    }
    const ok = await l.x('GET', `${S}?limit=1`, { version: '1.0.1' });
    expect(ok.status).toBe(200);
    const anon = await fetch(`${l.t.url}${S}`);
    expect(anon.status).toBe(401);
    expect(anon.headers.get('x-experience-api-consistent-through')).not.toBeNull();
    const malformed = await l.x('POST', S, { body: '{"actor":' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('x-experience-api-version')).toBe('1.0.3');
  });

  it('HEAD answers what GET would, without a body', async () => {
    const s = statement();
    expect((await l.x('POST', S, { body: s })).status).toBe(200);
    const head = await l.x('HEAD', `${S}?statementId=${String(s.id)}`);
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers.get('x-experience-api-consistent-through')).not.toBeNull();
    expect((await l.x('HEAD', `${S}?statementId=${randomUUID()}`)).status).toBe(404);
  });
});

describe('Communication 2.1.1 PUT statements', () => {
  it('stores under statementId (204); the same content again is 204, other content 409', async () => {
    const s = statement();
    const { id, ...rest } = s;
    expect((await l.x('PUT', `${S}?statementId=${String(id)}`, { body: rest })).status).toBe(204);
    expect((await l.x('PUT', `${S}?statementId=${String(id)}`, { body: s })).status).toBe(204);
    const other = await l.x('PUT', `${S}?statementId=${String(id)}`, {
      body: { ...rest, verb: { id: 'http://x.org/other' } },
    });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ error: { code: 'statement_conflict' } });
  });
  it('refuses without statementId, with another id in the body, or an array (400)', async () => {
    expect((await l.x('PUT', S, { body: statement() })).status).toBe(400);
    expect((await l.x('PUT', `${S}?statementId=${randomUUID()}`, { body: statement() })).status).toBe(400);
    expect((await l.x('PUT', `${S}?statementId=${randomUUID()}`, { body: [statement()] })).status).toBe(400);
  });
});

describe('Communication 2.1.2 POST statements', () => {
  it('stores one statement or an array and answers their ids in order; ids are given where absent', async () => {
    const a = statement();
    const { id: _id, ...b } = statement();
    const r = await l.x<string[]>('POST', S, { body: [a, b] });
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(2);
    expect(r.body[0]).toBe(a.id);
    expect(r.body[1]).toMatch(/^[0-9a-f-]{36}$/);
  });
  it('all or nothing: one invalid statement answers 400, stores none, and is dead-lettered with its reason', async () => {
    const good = statement();
    const badOne = statement({ result: { score: { raw: 11, max: 10 } } });
    const r = await l.x('POST', S, { body: [good, badOne] });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      error: {
        code: 'validation_failed',
        details: { rejected: [{ index: 1, reason: 'result.score.raw: must not be above max' }] },
      },
    });
    expect((await l.x('GET', `${S}?statementId=${String(good.id)}`)).status).toBe(404);
    const letters = await l.t.server.collector.deadLetters.list({ limit: 5 } as never);
    expect(letters.items[0]).toMatchObject({
      source: 'xapi',
      reason: 'result.score.raw: must not be above max',
    });
  });
  it('a conflict anywhere answers 409 and stores nothing; an id twice in one request is 400', async () => {
    const known = statement();
    expect((await l.x('POST', S, { body: known })).status).toBe(200);
    const fresh = statement();
    const r = await l.x('POST', S, { body: [fresh, { ...known, verb: { id: 'http://x.org/changed' } }] });
    expect(r.status).toBe(409);
    expect((await l.x('GET', `${S}?statementId=${String(fresh.id)}`)).status).toBe(404);
    expect((await l.x('POST', S, { body: [fresh, fresh] })).status).toBe(400);
  });
  it('refuses statements the issue found stored with 200', async () => {
    const cases = [
      statement({ object: { id: 'http://x.org/q', definition: { interactionType: 'Choice' } } }),
      statement({ verb: { id: 'http://x.org/v', display: { 'not a tag': 'x' } } }),
      statement({ timestamp: '2026-11-20T10:00:00-00:00' }),
      statement({ result: { duration: 'P4W1D' } }),
      statement({ result: { score: { min: 5, max: 1 } } }),
    ];
    for (const s of cases) expect((await l.x('POST', S, { body: s })).status).toBe(400);
  });
});

describe('Data 2.4.7–2.4.10: what the LRS fills in', () => {
  it('sets stored, authority from the credential, version 1.0.0 and a timestamp when absent', async () => {
    const { timestamp: _t, ...s } = statement();
    await l.x('POST', S, { body: s });
    const got = await l.x<Record<string, unknown>>('GET', `${S}?statementId=${String(s.id)}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      id: s.id,
      version: '1.0.0',
      authority: {
        objectType: 'Agent',
        name: 'LRS test tool',
        account: { name: expect.stringMatching(/^xk_/) },
      },
    });
    expect(got.body.stored).toBe(got.body.timestamp);
    expect(got.headers.get('last-modified')).not.toBeNull();
  });
  it('keeps Group actors, SubStatements and full context as sent (single context activities as arrays)', async () => {
    const s = statement({
      actor: {
        objectType: 'Group',
        name: 'Team',
        member: [{ mbox: 'mailto:a@example.org' }, { mbox: 'mailto:b@example.org' }],
      },
      object: {
        objectType: 'SubStatement',
        actor: { mbox: 'mailto:a@example.org' },
        verb: { id: 'http://example.org/will-attend' },
        object: { id: 'http://example.org/meeting' },
      },
      context: {
        instructor: { mbox: 'mailto:t@example.org' },
        contextActivities: { parent: { id: 'http://example.org/p' } },
      },
    });
    expect((await l.x('POST', S, { body: s })).status).toBe(200);
    const got = await l.x<Record<string, unknown>>('GET', `${S}?statementId=${String(s.id)}`);
    expect(got.body).toMatchObject({
      actor: s.actor,
      object: s.object,
      context: {
        instructor: { mbox: 'mailto:t@example.org' },
        contextActivities: { parent: [{ id: 'http://example.org/p' }] },
      },
    });
  });
});

describe('Communication 4 (security): who may use the Statements resource', () => {
  it('takes HTTP Basic client credentials or an admin token, and nothing else', async () => {
    const get = (authorization?: string) =>
      fetch(`${l.t.url}${S}?limit=1`, {
        headers: { 'x-experience-api-version': '1.0.3', ...(authorization ? { authorization } : {}) },
      });
    const anon = await get();
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    const wrong = `Basic ${Buffer.from('xk_nobody:secret').toString('base64')}`;
    expect((await get(wrong)).status).toBe(401);
    expect((await get('Bearer not-a-jwt')).status).toBe(401);
    const student = await l.t.user('student');
    expect((await get(`Bearer ${student.token}`)).status).toBe(403);
    const admin = await l.t.user('admin');
    expect((await get(`Bearer ${admin.token}`)).status).toBe(200);
    expect((await get(l.basic)).status).toBe(200);
  });
  it('refuses a disabled client at once (403)', async () => {
    const admin = await l.t.user('admin');
    const other = await l.t.server.collector.xapiClients.create('Retired tool', admin.id);
    const basic = `Basic ${Buffer.from(`${other.key}:${other.secret}`).toString('base64')}`;
    await l.t.server.collector.xapiClients.disable(other.id);
    const r = await l.x('POST', S, { body: statement(), headers: { authorization: basic } });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ error: { code: 'client_disabled' } });
  });
  it('answers malformed input with 4xx and an error code, never 5xx', async () => {
    const bodies: unknown[] = ['[]', '"text"', '42', 'null', [null], [[]], { actor: 'x' }, [{}], { id: 5 }];
    for (const body of bodies) {
      const r = await l.x<{ error?: { code: string } }>('POST', S, {
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.body.error?.code).toEqual(expect.any(String));
    }
    const text = await l.x('POST', S, { body: 'hello', contentType: 'text/plain' });
    expect(text.status).toBe(415);
  });
});
