import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS, activityIri, type StatementResult, type XapiClientCreated } from '@lyceum/contracts';
import { newId } from '../../../lib/ids.ts';
import { TOPICS } from '../../analytics/stream/port.ts';
import {
  COURSE,
  startCollectorTest,
  videoStatement,
  type CollectorTest,
} from '../../analytics/collector/test-support.ts';

let c: CollectorTest;
let admin: { token: string };
let client: XapiClientCreated;
let basic: { key: string; secret: string };
const S = '/xapi/statements';

beforeAll(async () => {
  c = await startCollectorTest();
  admin = await c.t.user('admin');
  client = (
    await c.api<XapiClientCreated>('POST', '/api/v1/analytics/xapi-clients', {
      token: admin.token,
      body: { name: 'Quiz tool' },
    })
  ).body;
  basic = { key: client.key, secret: client.secret };
});
afterAll(() => c.close());

const outsider = (over: Record<string, unknown> = {}, n = 0) =>
  videoStatement('x', { actor: { mbox: 'mailto:ana@example.org', name: 'Ana' }, ...over }, n);
const countStored = async (ids: unknown[]) =>
  (
    await c.t.server.database.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM analytics.statements WHERE id = ANY($1::uuid[])',
      [ids],
    )
  ).rows[0]!.n;

describe('xAPI Statements resource: version and authentication', () => {
  it('requires X-Experience-API-Version 1.0.x and always answers with it', async () => {
    const none = await c.api('GET', S, { basic, xapi: false });
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({ error: { code: 'xapi_version_unsupported' } });
    expect(none.headers.get('x-experience-api-version')).toBe('1.0.3');
    const res = await fetch(`${c.url}${S}?limit=1`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${basic.key}:${basic.secret}`).toString('base64')}`,
        'x-experience-api-version': '0.95',
      },
    });
    expect(res.status).toBe(400);
    const ok = await c.api('GET', `${S}?limit=1`, { basic });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-experience-api-version')).toBe('1.0.3');
    expect(Date.parse(ok.headers.get('x-experience-api-consistent-through') ?? '')).toBeGreaterThan(0);
  });

  it('takes HTTP Basic client credentials or an admin token, and nothing else', async () => {
    const anon = await c.api('GET', S);
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect((await c.api('GET', S, { basic: { ...basic, secret: 'wrong' } })).status).toBe(401);
    expect((await c.api('GET', S, { basic: { key: 'xk_nobody', secret: basic.secret } })).status).toBe(401);
    expect((await c.api('GET', S, { token: 'not-a-jwt' })).status).toBe(401);
    const student = await c.t.user('student');
    expect((await c.api('GET', S, { token: student.token })).status).toBe(403);
    expect((await c.api('GET', S, { token: admin.token })).status).toBe(200);
  });

  it('refuses a disabled client at once', async () => {
    const other = (
      await c.api<XapiClientCreated>('POST', '/api/v1/analytics/xapi-clients', {
        token: admin.token,
        body: { name: 'Retired tool' },
      })
    ).body;
    const creds = { key: other.key, secret: other.secret };
    expect((await c.api('GET', `${S}?limit=1`, { basic: creds })).status).toBe(200);
    expect(
      (await c.api('DELETE', `/api/v1/analytics/xapi-clients/${other.id}`, { token: admin.token })).status,
    ).toBe(204);
    const after = await c.api('POST', S, { basic: creds, body: outsider() });
    expect(after.status).toBe(403);
    expect(after.body).toMatchObject({ error: { code: 'client_disabled' } });
  });
});

describe('xAPI Statements resource: writes', () => {
  it('PUT stores under statementId (204), a same-content repeat is 204, other content 409', async () => {
    const id = newId();
    const s = outsider({ id: undefined });
    const first = await c.api('PUT', `${S}?statementId=${id}`, { basic, body: s });
    expect(first.status).toBe(204);
    expect(first.headers.get('x-experience-api-version')).toBe('1.0.3');
    expect((await c.api('PUT', `${S}?statementId=${id}`, { basic, body: { ...s, id } })).status).toBe(204);
    const conflict = await c.api('PUT', `${S}?statementId=${id}`, {
      basic,
      body: { ...s, verb: { id: VERBS.completed } },
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ error: { code: 'statement_conflict' } });
    expect(c.stream.events(TOPICS.learning).filter((e) => e.id === id)).toHaveLength(1);
    const got = await c.api<{ id: string; verb: { id: string }; stored: string }>(
      'GET',
      `${S}?statementId=${id}`,
      {
        basic,
      },
    );
    expect(got.body).toMatchObject({ id, verb: { id: VERBS.paused } });
    const mismatch = await c.api('PUT', `${S}?statementId=${newId()}`, {
      basic,
      body: { ...s, id: newId() },
    });
    expect(mismatch.status).toBe(400);
  });

  it('POST stores one statement or an array and answers the ids', async () => {
    const one = outsider({ id: undefined });
    const r1 = await c.api<string[]>('POST', S, { basic, body: one });
    expect(r1.status).toBe(200);
    expect(r1.body).toHaveLength(1);
    const many = [outsider({}, 1), outsider({}, 2), outsider({ id: undefined }, 3)];
    const r2 = await c.api<string[]>('POST', S, { basic, body: many });
    expect(r2.status).toBe(200);
    expect(r2.body.slice(0, 2)).toEqual([many[0]!.id, many[1]!.id]);
    expect(await countStored([...r1.body, ...r2.body])).toBe(4);
    // a repeat of stored statements with the same content is fine
    expect((await c.api<string[]>('POST', S, { basic, body: many.slice(0, 2) })).status).toBe(200);
  });

  it('an invalid statement fails the whole POST with 400, and is kept in the dead-letter store with the reason', async () => {
    const good = outsider({}, 4);
    const bad = outsider({ verb: { id: 'no iri' }, colour: 'red' }, 5);
    const res = await c.api<{ error: { code: string; message: string } }>('POST', S, {
      basic,
      body: [good, bad],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/Statement 1 is invalid: verb\.id/);
    expect(await countStored([good.id])).toBe(0);
    const dead = await c.t.server.database.pool.query<{
      reason: string;
      payload: { id: string };
      origin: string;
    }>(
      "SELECT reason, payload, origin FROM analytics.dead_letters WHERE source = 'xapi' AND payload->>'id' = $1",
      [bad.id],
    );
    expect(dead.rows).toHaveLength(1);
    expect(dead.rows[0]).toMatchObject({ origin: `client:${client.key}`, payload: bad });
    expect(dead.rows[0]!.reason).toMatch(/colour/);
  });

  it('refuses a timestamp more than a day ahead of the server clock (400, xAPI error shape); a few hours is fine', async () => {
    const ahead = (ms: number) => new Date(Date.now() + ms).toISOString();
    const future = outsider({ timestamp: ahead(3 * 86_400_000) }, 8);
    const res = await c.api<{ error: { code: string; message: string } }>('POST', S, { basic, body: future });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.message).toMatch(/timestamp: .* ahead of the server clock/);
    expect(res.headers.get('x-experience-api-version')).toBe('1.0.3');
    expect(await countStored([future.id])).toBe(0);
    const far = outsider({ timestamp: '9999-12-31T23:59:59Z' }, 9);
    const put = await c.api('PUT', `${S}?statementId=${String(far.id)}`, { basic, body: far });
    expect(put.status).toBe(400);
    const soon = outsider({ timestamp: ahead(3 * 3_600_000) }, 10);
    expect((await c.api('POST', S, { basic, body: soon })).status).toBe(200);
  });

  it('a conflict anywhere in a POST answers 409 and stores nothing from it', async () => {
    const stored = outsider({}, 6);
    expect((await c.api('POST', S, { basic, body: stored })).status).toBe(200);
    const fresh = outsider({}, 7);
    const res = await c.api('POST', S, { basic, body: [fresh, { ...stored, result: { success: true } }] });
    expect(res.status).toBe(409);
    expect(await countStored([fresh.id])).toBe(0);
    const twice = await c.api('POST', S, { basic, body: [fresh, fresh] });
    expect(twice.status).toBe(400);
  });
});

describe('xAPI Statements resource: reads', () => {
  const registration = newId();
  const activity = activityIri.lesson(COURSE, newId());
  const agent = { mbox: `mailto:reader-${newId()}@example.org` };
  const ids: string[] = [];

  beforeAll(async () => {
    const batch = Array.from({ length: 7 }, (_, n) =>
      videoStatement(
        'x',
        {
          actor: agent,
          verb: { id: n % 2 ? VERBS.played : VERBS.paused },
          object: { id: activity },
          context: n < 3 ? { registration } : undefined,
        },
        n,
      ),
    );
    // one at a time, so `stored` increases through the batch
    for (const s of batch) {
      const r = await c.api<string[]>('POST', S, { basic, body: s });
      ids.push(...r.body);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
  });

  const get = async (q: Record<string, string>) => {
    const r = await c.api<StatementResult>('GET', `${S}?${new URLSearchParams(q).toString()}`, { basic });
    expect(r.status).toBe(200);
    return r.body;
  };

  it('filters by agent, verb, activity and registration, newest first', async () => {
    const a = JSON.stringify(agent);
    expect((await get({ agent: a })).statements.map((s) => s.id)).toEqual([...ids].reverse());
    expect((await get({ agent: a, verb: VERBS.played })).statements.map((s) => s.id)).toEqual([
      ids[5],
      ids[3],
      ids[1],
    ]);
    expect((await get({ activity, registration })).statements.map((s) => s.id)).toEqual([
      ids[2],
      ids[1],
      ids[0],
    ]);
    expect((await get({ agent: JSON.stringify({ mbox: 'mailto:nobody@example.org' }) })).statements).toEqual(
      [],
    );
  });

  it('pages with `more` until it is empty, ascending or not, within since/until', async () => {
    const seen: string[] = [];
    let page = await get({ activity, limit: '3', ascending: 'true' });
    for (;;) {
      seen.push(...page.statements.map((s) => s.id));
      if (!page.more) break;
      expect(page.statements).toHaveLength(3);
      const next = await c.api<StatementResult>('GET', page.more, { basic });
      page = next.body;
    }
    expect(seen).toEqual(ids);
    const all = await get({ activity, ascending: 'true' });
    const since = all.statements[1]!.stored;
    const until = all.statements[4]!.stored;
    expect((await get({ activity, since, until, ascending: 'true' })).statements.map((s) => s.id)).toEqual(
      ids.slice(2, 5),
    );
  });

  it('answers one statement, format=ids, and clear refusals', async () => {
    const one = await c.api<Record<string, unknown>>('GET', `${S}?statementId=${ids[0]}&format=ids`, {
      basic,
    });
    expect(one.status).toBe(200);
    expect(one.body.verb).toEqual({ id: VERBS.paused });
    expect((await c.api('GET', `${S}?statementId=${newId()}`, { basic })).status).toBe(404);
    const voided = await c.api<{ error: { message: string } }>('GET', `${S}?voidedStatementId=${ids[0]}`, {
      basic,
    });
    expect(voided.status).toBe(404);
    expect(voided.body.error.message).toMatch(/voiding/);
    expect((await c.api('GET', `${S}?statementId=${ids[0]}&verb=${VERBS.paused}`, { basic })).status).toBe(
      400,
    );
    expect((await c.api('GET', `${S}?agent=notjson`, { basic })).status).toBe(400);
    expect((await c.api('GET', `${S}?cursor=garbage`, { basic })).status).toBe(400);
    expect((await c.api('GET', `${S}?related_activities=true`, { basic })).status).toBe(400);
  });
});

describe('xAPI Statements resource: malformed input', () => {
  it('answers 4xx with an error code, never 5xx', async () => {
    const bodies: unknown[] = [
      {},
      [],
      'text',
      42,
      'null',
      [null],
      [[]],
      { a: { b: [1, { c: null }] } },
      ['\u0000'],
      // Nesting deeper than PostgreSQL's jsonb parser's stack (found by the fuzzer: the dead letter answered 500).
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
    ];
    const failures: string[] = [];
    for (const [method, path] of [
      ['POST', S],
      ['PUT', `${S}?statementId=${newId()}`],
      ['PUT', S],
    ] as const) {
      for (const body of bodies) {
        const r = await c.api<{ error?: { code?: string } }>(method, path, { basic, body });
        if (r.status < 400 || r.status >= 500 || typeof r.body?.error?.code !== 'string')
          failures.push(`${method} ${path} ${JSON.stringify(body)} → ${r.status}`);
      }
    }
    for (const q of [
      '?limit=-5',
      '?limit=abc',
      '?q=a',
      '?since=yesterday',
      '?ascending=maybe',
      `?verb=${'x'.repeat(3000)}`,
    ]) {
      const r = await c.api<{ error?: { code?: string } }>('GET', S + q, { basic });
      if (r.status !== 400) failures.push(`GET ${q} → ${r.status}`);
    }
    expect(failures).toEqual([]);
  });
});
