import { describe, expect, it } from 'vitest';
import { LYCEUM_ACCOUNT_HOME, VERBS, XapiStatement, activityIri } from '@lyceum/contracts';
import { CsvReader } from './csv.ts';
import { derivedId, flatToStatement } from './flat-event.ts';

const ctx = { seed: 'file:abc:2', scope: 'file' };
const COURSE = '0190b8a0-0000-7000-8000-0000000000c1';
const LESSON = '0190b8a0-0000-7000-8000-0000000000c2';

describe('CsvReader', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF, a BOM, in any chunking', () => {
    const text = '\uFEFFa,b,c\r\n1,"x, y","say ""hi"""\r\n\r\n2,"two\nlines",\n3,plain"quote,end';
    const whole = new CsvReader();
    const expected = [...whole.push(text), ...whole.end()];
    expect(expected).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, y', 'say "hi"'] },
      { line: 4, fields: ['2', 'two\nlines', ''] },
      { line: 6, fields: ['3', 'plain"quote', 'end'] },
    ]);
    for (let size = 1; size < 7; size++) {
      const r = new CsvReader();
      const got = [];
      for (let i = 0; i < text.length; i += size) got.push(...r.push(text.slice(i, i + size)));
      got.push(...r.end());
      expect(got).toEqual(expected);
    }
  });

  it('marks a last record whose quoted field never closes', () => {
    const r = new CsvReader();
    const got = [...r.push('a,b\n1,"open\n'), ...r.end()];
    expect(got[1]).toEqual({ line: 2, fields: ['1', 'open\n'], error: expect.stringMatching(/not closed/) });
  });
});

describe('flatToStatement', () => {
  it('builds a valid statement from flat columns', () => {
    const s = flatToStatement(
      {
        actor_id: 'u1',
        actor_name: 'Ann',
        verb: 'Answered',
        course_id: COURSE,
        lesson_id: LESSON,
        question_id: 'q 1',
        timestamp: '2026-01-05 10:00:00.5',
        success: 'no',
        score: '1.5',
        score_max: 3,
        duration: '12.25',
        registration: '',
      },
      ctx,
    );
    expect(XapiStatement.safeParse(s).success).toBe(true);
    expect(s).toEqual({
      id: derivedId('file:abc:2'),
      actor: { account: { homePage: LYCEUM_ACCOUNT_HOME, name: 'u1' }, name: 'Ann' },
      verb: { id: VERBS.answered },
      object: {
        id: activityIri.question(COURSE, LESSON, 'q 1'),
        definition: { type: 'http://adlnet.gov/expapi/activities/cmi.interaction' },
      },
      result: { score: { raw: 1.5, max: 3 }, success: false, duration: 'PT12.25S' },
      timestamp: '2026-01-05T10:00:00.500Z',
    });
  });

  it('keeps given UUIDs, derives stable ids otherwise, and reads epoch times', () => {
    const uuid = '0190B8A0-0000-7000-8000-0000000000AA';
    const base = { actor_email: 'A@X.TEST', verb: VERBS.opened, course_id: COURSE };
    expect(flatToStatement({ ...base, id: uuid }, ctx).id).toBe(uuid.toLowerCase());
    const a = flatToStatement({ ...base, id: 'evt-7' }, ctx).id;
    expect(a).toBe(flatToStatement({ ...base, id: 'evt-7' }, { seed: 'other', scope: 'file' }).id);
    expect(a).not.toBe(flatToStatement({ ...base, id: 'evt-8' }, ctx).id);
    expect(XapiStatement.shape.id.safeParse(a).success).toBe(true);
    expect(flatToStatement({ ...base, timestamp: 1767607200 }, ctx).timestamp).toBe(
      '2026-01-05T10:00:00.000Z',
    );
    expect(flatToStatement({ ...base, timestamp: '1767607200000' }, ctx).timestamp).toBe(
      '2026-01-05T10:00:00.000Z',
    );
    expect(flatToStatement(base, { ...ctx, users: new Map([['a@x.test', 'u9']]) }).actor).toEqual({
      account: { homePage: LYCEUM_ACCOUNT_HOME, name: 'u9' },
    });
    expect(flatToStatement(base, ctx).actor).toEqual({ mbox: 'mailto:a@x.test' });
  });

  it('leaves unreadable values in place so validation names the field', () => {
    const bad = flatToStatement(
      { actor_id: 'u', verb: 'flew', course_id: COURSE, score: 'lots', success: 'maybe', timestamp: 'soon' },
      ctx,
    );
    const r = XapiStatement.safeParse(bad);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'result.score.raw',
      'result.success',
      'timestamp',
      'verb.id',
    ]);
    // An object_id with the course as its parent; verb aliases
    const s = flatToStatement(
      { actor_id: 'u', verb: 'finish', object_id: 'https://example.test/a/1', course_id: COURSE },
      { ...ctx, verbs: { finish: 'completed' } },
    );
    expect(s).toMatchObject({
      verb: { id: VERBS.completed },
      object: { id: 'https://example.test/a/1' },
      context: { contextActivities: { parent: [{ id: activityIri.course(COURSE) }] } },
    });
  });
});
