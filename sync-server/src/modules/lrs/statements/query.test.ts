import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startLrsTest, statement, voiding, type LrsTest } from '../test-support.ts';

/** xAPI 1.0.3 Communication 2.1.3 (GET Statements): filters, related_*, paging, formats. */
let l: LrsTest;
const S = '/xapi/statements';
const run = randomUUID();
const act = (n: string) => `http://example.org/${run}/${n}`;
const ana = { mbox: `mailto:ana-${run}@example.org` };
const bob = { mbox: `mailto:bob-${run}@example.org` };
const reg = randomUUID();
const sent: Record<string, Record<string, unknown>> = {};
type Page = { statements: Record<string, unknown>[]; more: string };
const ids = async (query: string, headers?: Record<string, string>) => {
  const r = await l.x<Page>('GET', `${S}?${query}`, headers ? { headers } : {});
  expect(r.status).toBe(200);
  return r.body.statements.map((s) => s.id);
};
const agent = (a: object) => encodeURIComponent(JSON.stringify(a));

beforeAll(async () => {
  l = await startLrsTest();
  sent.a = statement({ actor: ana, object: { id: act('quiz') }, context: { registration: reg } });
  sent.b = statement({
    actor: bob,
    verb: { id: 'http://adlnet.gov/expapi/verbs/passed' },
    object: { id: act('quiz') },
    context: { instructor: ana, contextActivities: { parent: { id: act('course') } } },
  });
  sent.c = statement({
    actor: { objectType: 'Group', member: [bob] },
    object: { objectType: 'Agent', ...ana },
  });
  sent.d = statement({
    actor: bob,
    object: {
      objectType: 'SubStatement',
      actor: ana,
      verb: { id: 'http://example.org/will' },
      object: { id: act('sub') },
    },
  });
  for (const k of ['a', 'b', 'c', 'd']) expect((await l.x('POST', S, { body: sent[k] })).status).toBe(200);
  sent.ref = statement({ actor: bob, object: { objectType: 'StatementRef', id: sent.a!.id } });
  expect((await l.x('POST', S, { body: sent.ref })).status).toBe(200);
});
afterAll(() => l.close());

describe('Communication 2.1.3 filters', () => {
  it('agent: the actor or object is the agent; related_agents adds instructor, authority, SubStatement', async () => {
    expect(await ids(`agent=${agent(ana)}`)).toEqual(
      expect.arrayContaining([sent.a!.id, sent.c!.id, sent.ref!.id]),
    );
    expect(await ids(`agent=${agent(ana)}`)).not.toContain(sent.b!.id);
    expect(await ids(`agent=${agent(ana)}&related_agents=true`)).toEqual(
      expect.arrayContaining([sent.a!.id, sent.b!.id, sent.c!.id, sent.d!.id]),
    );
  });
  it('verb, activity (related_activities adds context and SubStatement activities), registration', async () => {
    expect(
      await ids(`verb=${encodeURIComponent('http://adlnet.gov/expapi/verbs/passed')}&agent=${agent(bob)}`),
    ).toEqual([sent.b!.id]);
    expect(new Set(await ids(`activity=${encodeURIComponent(act('quiz'))}`))).toEqual(
      new Set([sent.a!.id, sent.b!.id, sent.ref!.id]),
    );
    expect(await ids(`activity=${encodeURIComponent(act('course'))}`)).toEqual([]);
    expect(await ids(`activity=${encodeURIComponent(act('course'))}&related_activities=true`)).toEqual([
      sent.b!.id,
    ]);
    expect(await ids(`activity=${encodeURIComponent(act('sub'))}&related_activities=true`)).toEqual([
      sent.d!.id,
    ]);
    expect(new Set(await ids(`registration=${reg}`))).toEqual(new Set([sent.a!.id, sent.ref!.id]));
  });
  it('statements referring to a match (StatementRef) are returned with it; voided ones are not', async () => {
    const target = statement({ object: { id: act('voided') } });
    const v = voiding(String(target.id));
    await l.x('POST', S, { body: [target, v] });
    expect(await ids(`activity=${encodeURIComponent(act('voided'))}`)).toEqual([v.id]);
  });
  it('refuses a malformed agent, timestamps and unknown parameters with 400', async () => {
    for (const q of [
      'agent=notjson',
      `agent=${agent({ name: 'x' })}`,
      'since=yesterday',
      'since=2026-01-01T00:00:00-00:00',
      'colour=red',
    ])
      expect((await l.x('GET', `${S}?${q}`)).status).toBe(400);
  });
});

describe('Communication 2.1.3 paging and order', () => {
  it('limit pages with a `more` IRL until it is empty; ascending reverses; since/until bound stored', async () => {
    const agentQ = `agent=${agent(bob)}&related_agents=true`;
    const all = await ids(`${agentQ}&limit=0`);
    expect(all.length).toBe(4);
    const seen: unknown[] = [];
    let next = `${S}?${agentQ}&limit=1`;
    while (next) {
      const r = await l.x<Page>('GET', next);
      seen.push(...r.body.statements.map((s) => s.id));
      next = r.body.more;
      if (next) expect(next).toMatch(/^\/xapi\/statements\?/);
    }
    expect(seen).toEqual(all);
    expect(await ids(`${agentQ}&ascending=true`)).toEqual([...all].reverse());
    const stored = await l.x<Record<string, string>>('GET', `${S}?statementId=${String(sent.ref!.id)}`);
    const at = stored.body.stored!;
    expect(await ids(`${agentQ}&since=${encodeURIComponent(at)}`)).toEqual([]);
    expect(await ids(`${agentQ}&until=${encodeURIComponent(at)}`)).toEqual(all);
  });
});

describe('Communication 2.1.3 formats', () => {
  it('ids: agents, groups, activities and verbs reduced to identifiers', async () => {
    const r = await l.x<Record<string, unknown>>('GET', `${S}?statementId=${String(sent.b!.id)}&format=ids`);
    expect(r.body).toMatchObject({
      actor: bob,
      verb: { id: 'http://adlnet.gov/expapi/verbs/passed' },
      object: { id: act('quiz') },
      context: { contextActivities: { parent: [{ id: act('course') }] } },
    });
    expect((r.body.verb as object & { display?: unknown }).display).toBeUndefined();
    expect((r.body.object as { definition?: unknown }).definition).toBeUndefined();
  });
  it('canonical: one language per map, by Accept-Language; exact: as stored', async () => {
    const s = statement({
      verb: { id: 'http://x.org/v', display: { 'en-US': 'attempted', 'fr-FR': 'a tenté', es: 'intentó' } },
      object: { id: act('multi'), definition: { name: { 'en-US': 'Quiz', 'fr-FR': 'Quiz FR' } } },
    });
    await l.x('POST', S, { body: s });
    const canon = await l.x<Record<string, { display?: object; definition?: { name: object } }>>(
      'GET',
      `${S}?statementId=${String(s.id)}&format=canonical`,
      { headers: { 'accept-language': 'fr;q=0.9, de' } },
    );
    expect(canon.body.verb!.display).toEqual({ 'fr-FR': 'a tenté' });
    expect(canon.body.object!.definition!.name).toEqual({ 'fr-FR': 'Quiz FR' });
    const exact = await l.x<Record<string, { display?: object }>>('GET', `${S}?statementId=${String(s.id)}`);
    expect(exact.body.verb!.display).toEqual(s.verb && (s.verb as { display: object }).display);
  });
});
