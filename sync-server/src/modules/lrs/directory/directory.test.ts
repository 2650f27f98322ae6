import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startLrsTest, statement, type LrsTest } from '../test-support.ts';

/** xAPI 1.0.3 Communication 2.4 (Agents), 2.5 (Activities) and 2.8 (About), written from the specification's text. */
let l: LrsTest;
beforeAll(async () => {
  l = await startLrsTest();
});
afterAll(() => l.close());

describe('2.8 About', () => {
  it('answers version (including 1.0.3) and extensions only, without credentials or version header (2.8.s5)', async () => {
    const r = await fetch(`${l.t.url}/xapi/about`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { version: string[]; extensions: Record<string, unknown> };
    expect(Object.keys(body).sort()).toEqual(['extensions', 'version']);
    expect(body.version).toContain('1.0.3');
    expect(body.version.every((v) => /^1\.0\.\d$/.test(v))).toBe(true);
    for (const key of Object.keys(body.extensions)) expect(key).toMatch(/^https?:\/\//);
    expect(r.headers.get('x-experience-api-version')).toBe('1.0.3');
    const withOldVersion = await l.x('GET', '/xapi/about', { version: '0.95' });
    expect(withOldVersion.status).toBe(200);
  });
});

describe('2.4 Agents resource', () => {
  it('an Agent the LRS never saw: a Person object with only what was asked (2.4.s3.b3)', async () => {
    const mbox = `mailto:${randomUUID()}@example.org`;
    const r = await l.x('GET', `/xapi/agents?agent=${encodeURIComponent(JSON.stringify({ mbox }))}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ objectType: 'Person', mbox: [mbox] });
  });

  it('a known Agent: the names given to it in statements, every property an array (2.4.s6)', async () => {
    const mbox = `mailto:${randomUUID()}@example.org`;
    await l.x('POST', '/xapi/statements', {
      body: [
        statement({ actor: { name: 'Ana Lima', mbox } }),
        statement({ actor: { name: 'Ana', mbox } }),
        statement({ actor: { mbox } }),
      ],
    });
    const r = await l.x(
      'GET',
      `/xapi/agents?agent=${encodeURIComponent(JSON.stringify({ objectType: 'Agent', mbox }))}`,
    );
    expect(r.body).toEqual({ objectType: 'Person', name: ['Ana', 'Ana Lima'], mbox: [mbox] });
    const account = { homePage: 'http://lms.example.org', name: 'u-17' };
    const acc = await l.x('GET', `/xapi/agents?agent=${encodeURIComponent(JSON.stringify({ account }))}`);
    expect(acc.body).toEqual({ objectType: 'Person', account: [account] });
  });

  it('400 without agent, with a Group, a Person or two identifiers', async () => {
    for (const agent of [
      undefined,
      JSON.stringify({ objectType: 'Group', mbox: 'mailto:g@example.org' }),
      JSON.stringify({ objectType: 'Person', mbox: ['mailto:p@example.org'] }),
      JSON.stringify({ mbox: 'mailto:a@example.org', openid: 'http://a.example.org/' }),
    ]) {
      const r = await l.x('GET', agent ? `/xapi/agents?agent=${encodeURIComponent(agent)}` : '/xapi/agents');
      expect([agent, r.status]).toEqual([agent, 400]);
    }
  });
});

describe('2.5 Activities resource', () => {
  it('an unknown Activity: still an Activity object, with its id (2.5.s2.b1)', async () => {
    const id = `http://example.org/unknown/${randomUUID()}`;
    const r = await l.x('GET', `/xapi/activities?activityId=${encodeURIComponent(id)}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ objectType: 'Activity', id });
  });

  it('the canonical definition merges the statements’ definitions: language maps by language, other properties from the latest', async () => {
    const id = `http://example.org/quiz/${randomUUID()}`;
    const first = statement({
      object: {
        id,
        definition: {
          name: { 'en-US': 'Quiz', 'fr-FR': 'Quiz (fr)' },
          type: 'http://adlnet.gov/expapi/activities/assessment',
        },
      },
    });
    expect((await l.x('POST', '/xapi/statements', { body: first })).status).toBe(200);
    const second = statement({
      object: { id: 'http://example.org/other' },
      context: {
        contextActivities: {
          parent: [
            {
              id,
              definition: { name: { 'en-US': 'Final quiz' }, description: { 'en-US': 'Ten questions' } },
            },
          ],
        },
      },
    });
    expect((await l.x('POST', '/xapi/statements', { body: second })).status).toBe(200);
    const r = await l.x('GET', `/xapi/activities?activityId=${encodeURIComponent(id)}`);
    expect(r.body).toEqual({
      objectType: 'Activity',
      id,
      definition: {
        name: { 'en-US': 'Final quiz', 'fr-FR': 'Quiz (fr)' },
        description: { 'en-US': 'Ten questions' },
        type: 'http://adlnet.gov/expapi/activities/assessment',
      },
    });
    expect(r.headers.get('etag')).toMatch(/^"[0-9a-f]{40}"$/);
  });

  it('400 without activityId or with a non-IRI; 401 without credentials', async () => {
    expect((await l.x('GET', '/xapi/activities')).status).toBe(400);
    expect((await l.x('GET', '/xapi/activities?activityId=not%20an%20iri')).status).toBe(400);
    const anon = await fetch(`${l.t.url}/xapi/activities?activityId=http%3A%2F%2Fexample.org%2Fa`, {
      headers: { 'x-experience-api-version': '1.0.3' },
    });
    expect(anon.status).toBe(401);
  });
});
