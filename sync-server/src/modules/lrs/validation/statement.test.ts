import { describe, expect, it } from 'vitest';
import { validateStatement } from './statement.ts';

/**
 * xAPI 1.0.3 Data, section 2.4 (Statement properties) and 4 (data types): each case is a "must" of the text.
 * Valid statements pass; each invalid one is refused with the offending property named.
 */
const base = () => ({
  actor: { mbox: 'mailto:ana@example.org' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' },
  object: { id: 'http://example.org/a' },
});
const ok = (s: unknown) => expect(validateStatement(s)).toMatchObject({ ok: true });
const bad = (s: unknown, reason: RegExp) => {
  const r = validateStatement(s);
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.reason).toMatch(reason);
};
const withObject = (object: unknown) => ({ ...base(), object });
const withResult = (result: unknown) => ({ ...base(), result });
const withContext = (context: unknown) => ({ ...base(), context });
const definition = (d: Record<string, unknown>) => withObject({ id: 'http://example.org/q', definition: d });

describe('Data 2.2 formatting: required properties, unknown properties, null values', () => {
  it('requires actor, verb and object', () => {
    ok(base());
    for (const k of ['actor', 'verb', 'object'] as const) {
      const s: Record<string, unknown> = base();
      delete s[k];
      bad(s, new RegExp(`^${k}: is required`));
    }
  });
  it('refuses properties xAPI does not define and null values', () => {
    bad({ ...base(), colour: 'red' }, /^colour: is not a property/);
    bad({ ...base(), result: null }, /^result: must not be null/);
    bad({ ...base(), verb: { id: 'http://x.org/v', extra: 1 } }, /^verb\.extra:/);
  });
  it('id must be a UUID; version 1.0.x', () => {
    bad({ ...base(), id: 'not-a-uuid' }, /^id: must be a UUID/);
    ok({ ...base(), id: '6690e6c9-3ef0-4ed3-8b37-7f3964730bee', version: '1.0.3' });
    bad({ ...base(), version: '2.0.0' }, /^version: must be 1\.0\.x/);
  });
});

describe('Data 2.4.2 actor: Agent and Group, exactly one IFI', () => {
  it('an Agent needs exactly one of mbox, mbox_sha1sum, openid, account', () => {
    ok({ ...base(), actor: { mbox_sha1sum: 'ebd31e95054c018b10727ccffd2ef2ec3a016ee9' } });
    ok({ ...base(), actor: { openid: 'http://openid.example.org/12345' } });
    ok({ ...base(), actor: { account: { homePage: 'http://www.example.com', name: '1625378' } } });
    bad({ ...base(), actor: { name: 'Nobody' } }, /^actor: an Agent needs exactly one/);
    bad({ ...base(), actor: { mbox: 'mailto:a@b.org', openid: 'http://x.org/1' } }, /exactly one identifier/);
  });
  it('mbox is a mailto IRI, mbox_sha1sum hex SHA1, account has homePage (IRL) and name', () => {
    bad({ ...base(), actor: { mbox: 'ana@example.org' } }, /^actor\.mbox:/);
    bad({ ...base(), actor: { mbox_sha1sum: 'xyz' } }, /^actor\.mbox_sha1sum:/);
    bad({ ...base(), actor: { account: { name: 'x' } } }, /^actor\.account\.homePage: is required/);
    bad(
      { ...base(), actor: { account: { homePage: 'example.com', name: 'x' } } },
      /^actor\.account\.homePage: must be an IRL/,
    );
  });
  it('anonymous Groups list members; identified Groups have one IFI; members are Agents', () => {
    ok({ ...base(), actor: { objectType: 'Group', member: [{ mbox: 'mailto:a@b.org' }] } });
    ok({ ...base(), actor: { objectType: 'Group', mbox: 'mailto:team@b.org' } });
    bad({ ...base(), actor: { objectType: 'Group', name: 'x' } }, /^actor\.member: an anonymous Group/);
    bad(
      {
        ...base(),
        actor: { objectType: 'Group', member: [{ objectType: 'Group', mbox: 'mailto:g@b.org' }] },
      },
      /^actor\.member\[0\]: a Group’s members must be Agents/,
    );
    bad({ ...base(), actor: { objectType: 'Group', member: [{ name: 'no ifi' }] } }, /^actor\.member\[0\]:/);
  });
});

describe('Data 2.4.3 verb and 4.2 language maps', () => {
  it('verb id is an IRI; display is a map of RFC 5646 tags', () => {
    bad({ ...base(), verb: { id: 'attempted' } }, /^verb\.id: must be an IRI/);
    ok({
      ...base(),
      verb: { id: 'http://x.org/v', display: { 'en-US': 'a', 'zh-Hant-TW': 'b', 'sgn-be-fr': 'c' } },
    });
    bad(
      { ...base(), verb: { id: 'http://x.org/v', display: { 'en-': 'a' } } },
      /^verb\.display\.en-: is not an RFC 5646/,
    );
    bad({ ...base(), verb: { id: 'http://x.org/v', display: { 'en-US': 1 } } }, /must be a string/);
  });
});

describe('Data 2.4.4 object: Activity, Agent, Group, StatementRef, SubStatement', () => {
  it('takes every object type', () => {
    ok(withObject({ objectType: 'Agent', mbox: 'mailto:b@b.org' }));
    ok(withObject({ objectType: 'Group', member: [{ mbox: 'mailto:b@b.org' }] }));
    ok(withObject({ objectType: 'StatementRef', id: '6690e6c9-3ef0-4ed3-8b37-7f3964730bee' }));
    ok(withObject({ objectType: 'SubStatement', ...base() }));
    bad(withObject({ objectType: 'Thing', id: 'http://x.org' }), /^object\.objectType: must be/);
    bad(withObject({ objectType: 'StatementRef', id: 'nope' }), /^object\.id: must be a UUID/);
  });
  it('a SubStatement holds no id, stored, version, authority nor another SubStatement', () => {
    for (const k of ['id', 'stored', 'version', 'authority'])
      bad(
        withObject({ objectType: 'SubStatement', ...base(), [k]: 'x' }),
        new RegExp(`^object\\.${k}: is not a property`),
      );
    bad(
      withObject({
        objectType: 'SubStatement',
        ...base(),
        object: { objectType: 'SubStatement', ...base() },
      }),
      /^object\.object\.objectType: a SubStatement cannot hold another SubStatement/,
    );
  });
  it('interaction activities: known interactionType (exact case), components only where they belong, ids distinct', () => {
    ok(
      definition({
        interactionType: 'choice',
        correctResponsesPattern: ['golf[,]tetris'],
        choices: [{ id: 'golf', description: { 'en-US': 'Golf' } }, { id: 'tetris' }],
      }),
    );
    ok(definition({ interactionType: 'likert', scale: [{ id: 'likert_0' }] }));
    ok(definition({ interactionType: 'matching', source: [{ id: 's' }], target: [{ id: 't' }] }));
    ok(definition({ interactionType: 'performance', steps: [{ id: 'pong' }] }));
    bad(definition({ interactionType: 'Choice' }), /^object\.definition\.interactionType: must be one of/);
    bad(
      definition({ interactionType: 'likert', choices: [{ id: 'a' }] }),
      /^object\.definition\.choices: is not allowed/,
    );
    bad(definition({ interactionType: 'choice', choices: [{ id: 'a' }, { id: 'a' }] }), /appears twice/);
    bad(definition({ interactionType: 'choice', choices: [{ id: 'a b' }] }), /without whitespace/);
    bad(definition({ correctResponsesPattern: ['x'] }), /is only for interaction activities/);
    bad(definition({ moreInfo: 'not an irl' }), /moreInfo: must be an IRL/);
  });
});

describe('Data 2.4.5 result: scores and durations', () => {
  it('min < max, min ≤ raw ≤ max, scaled in [-1, 1]', () => {
    ok(withResult({ score: { scaled: -1, raw: 5, min: 0, max: 10 } }));
    bad(withResult({ score: { raw: 11, max: 10 } }), /^result\.score\.raw: must not be above max/);
    bad(withResult({ score: { raw: -1, min: 0 } }), /^result\.score\.raw: must not be below min/);
    bad(withResult({ score: { min: 10, max: 5 } }), /^result\.score\.min: must be less than max/);
    bad(withResult({ score: { scaled: 1.01 } }), /^result\.score\.scaled: must be between -1 and 1/);
  });
  it('duration is ISO 8601; weeks only alone', () => {
    for (const d of ['PT1H0M0S', 'P1Y2M3DT4H5M6.7S', 'P4W', 'PT0.5S', 'P1D']) ok(withResult({ duration: d }));
    for (const d of ['P4W1D', 'P', 'PT', '1H', 'P1H', 'PT1.5M30S'])
      bad(withResult({ duration: d }), /^result\.duration:/);
  });
  it('success/completion are booleans, extension keys are IRIs', () => {
    bad(withResult({ success: 'yes' }), /^result\.success:/);
    bad(withResult({ extensions: { notAnIri: 1 } }), /extension keys must be IRIs/);
  });
});

describe('Data 2.4.6 context', () => {
  it('takes every property; single context activities become arrays', () => {
    const s = withContext({
      registration: 'ec531277-b57b-4c15-8d91-d292c5b2b8f7',
      instructor: { mbox: 'mailto:teacher@example.org' },
      team: { objectType: 'Group', member: [{ mbox: 'mailto:x@example.org' }] },
      contextActivities: {
        parent: { id: 'http://example.org/course' },
        grouping: [{ id: 'http://example.org/g' }],
      },
      revision: 'r2',
      platform: 'Example LMS',
      language: 'en-US',
      statement: { objectType: 'StatementRef', id: '6690e6c9-3ef0-4ed3-8b37-7f3964730bee' },
      extensions: { 'http://example.org/ext': { any: ['json'] } },
    });
    const r = validateStatement(s);
    expect(r.ok).toBe(true);
    expect(r.ok && (r.statement.context as { contextActivities: unknown }).contextActivities).toEqual({
      parent: [{ id: 'http://example.org/course' }],
      grouping: [{ id: 'http://example.org/g' }],
    });
  });
  it('refuses a team that is not a Group, a bad language, revision/platform when the object is not an Activity', () => {
    bad(withContext({ team: { mbox: 'mailto:a@b.org' } }), /^context\.team\.objectType: is required/);
    bad(withContext({ language: 'english!' }), /^context\.language:/);
    bad(withContext({ registration: 'x' }), /^context\.registration: must be a UUID/);
    bad(
      { ...withContext({ platform: 'x' }), object: { objectType: 'Agent', mbox: 'mailto:a@b.org' } },
      /^context\.platform: may only be used when the statement’s object is an Activity/,
    );
    bad(withContext({ contextActivities: { sibling: [] } }), /^context\.contextActivities\.sibling:/);
  });
});

describe('Data 2.4.7–2.4.11 timestamp, stored, authority, attachments', () => {
  it('timestamps are ISO 8601 with a zone; -00:00 is refused', () => {
    for (const t of ['2026-11-20T10:00:00Z', '2026-11-20T10:00:00.123+02:00', '2026-11-20T10:00:00+0200'])
      ok({ ...base(), timestamp: t });
    for (const t of [
      '2026-11-20T10:00:00-00:00',
      '2026-13-01T00:00:00Z',
      '2026-02-30T00:00:00Z',
      'yesterday',
    ])
      bad({ ...base(), timestamp: t }, /^timestamp:/);
  });
  it('authority is an Agent or a Group of two', () => {
    ok({ ...base(), authority: { mbox: 'mailto:lrs@example.org' } });
    ok({
      ...base(),
      authority: {
        objectType: 'Group',
        member: [
          { account: { homePage: 'http://example.com/xAPI/OAuth/Token', name: 'oauth' } },
          { mbox: 'mailto:u@b.org' },
        ],
      },
    });
    bad(
      { ...base(), authority: { objectType: 'Group', member: [{ mbox: 'mailto:u@b.org' }] } },
      /^authority\.member: an authority Group must have exactly two members/,
    );
  });
  it('attachments carry usageType, display, contentType, length and sha2', () => {
    const a = {
      usageType: 'http://example.com/usage',
      display: { 'en-US': 'A file' },
      contentType: 'text/plain',
      length: 4,
      sha2: 'a'.repeat(64),
    };
    ok({ ...base(), attachments: [a] });
    bad({ ...base(), attachments: [{ ...a, sha2: 'zz' }] }, /^attachments\[0\]\.sha2:/);
    bad({ ...base(), attachments: [{ ...a, length: -1 }] }, /^attachments\[0\]\.length:/);
    const { display: _display, ...noDisplay } = a;
    bad({ ...base(), attachments: [noDisplay] }, /^attachments\[0\]\.display: is required/);
  });
});
