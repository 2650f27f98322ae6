import { describe, expect, it } from 'vitest';
import { durationSeconds, parsePlayedSegments, toLearningEvent } from './event.ts';
import { StoredStatement, XapiStatement } from './statement.ts';
import { LYCEUM_ACCOUNT_HOME, VERBS, VIDEO_EXT, activityIri, parseActivityIri } from './verbs.ts';

const course = '0190b8a0-0000-7000-8000-000000000001';
const lesson = '0190b8a0-0000-7000-8000-000000000002';

const paused = {
  id: '0190b8a0-0000-7000-8000-0000000000aa',
  actor: { account: { homePage: LYCEUM_ACCOUNT_HOME, name: 'user-1' } },
  verb: { id: VERBS.paused, display: { en: 'paused' } },
  object: {
    id: activityIri.lesson(course, lesson),
    definition: { type: 'https://w3id.org/xapi/video/activity-type/video' },
  },
  result: {
    duration: 'PT1M30.5S',
    extensions: { [VIDEO_EXT.time]: 42.5, [VIDEO_EXT.playedSegments]: '0[.]12.5[,]30[.]42.5' },
  },
  context: { extensions: { [VIDEO_EXT.length]: 600 } },
  timestamp: '2026-11-20T10:00:00.000Z',
  stored: '2026-11-24T09:00:00.000Z',
};

describe('learning event contracts', () => {
  it('pulls course, lesson, verb, video facts and duration out of a video statement', () => {
    const e = toLearningEvent(StoredStatement.parse(paused), {
      source: 'desktop',
      deviceId: 'd1',
      skewMs: -1500,
    });
    expect(e).toMatchObject({
      actor: 'user-1',
      verb: 'paused',
      courseId: course,
      lessonId: lesson,
      questionId: null,
      durationSeconds: 90.5,
      skewMs: -1500,
      video: {
        time: 42.5,
        segments: [
          [0, 12.5],
          [30, 42.5],
        ],
        length: 600,
      },
    });
  });

  it('keys outside actors by their identifier and leaves unknown verbs as "other"', () => {
    const e = toLearningEvent(
      StoredStatement.parse({
        ...paused,
        actor: { mbox: 'mailto:Ana@Example.org' },
        verb: { id: 'http://example.org/verbs/doodled' },
        object: { id: 'http://example.org/activity/1' },
        result: undefined,
        context: undefined,
      }),
      { source: 'xapi' },
    );
    expect(e).toMatchObject({ actor: 'mbox:ana@example.org', verb: 'other', courseId: null, video: null });
  });

  it('refuses agents with no or two identifiers, unknown properties and bad durations', () => {
    const bad = [
      { ...paused, actor: { name: 'nobody' } },
      { ...paused, actor: { mbox: 'mailto:a@b.c', account: { homePage: LYCEUM_ACCOUNT_HOME, name: 'x' } } },
      { ...paused, colour: 'red' },
      { ...paused, result: { duration: '90 seconds' } },
      { ...paused, verb: { id: 'not an iri' } },
    ];
    for (const s of bad) expect(XapiStatement.safeParse(s).success).toBe(false);
    expect(XapiStatement.safeParse(paused).success).toBe(true);
  });

  it('parses played segments, durations and activity IRIs defensively', () => {
    expect(parsePlayedSegments('0[.]5[,]bad[,]9[.]3[,]10[.]20')).toEqual([
      [0, 5],
      [10, 20],
    ]);
    expect(durationSeconds('P1DT2H3M4S')).toBe(93_784);
    expect(durationSeconds('nonsense')).toBeNull();
    expect(parseActivityIri(activityIri.question(course, lesson, 'q 1'))).toEqual({
      courseId: course,
      lessonId: lesson,
      questionId: 'q 1',
    });
    expect(parseActivityIri('https://lyceum.dev/xapi/activities/course/a/b')).toBeNull();
  });
});

describe('IRIs', () => {
  it('accepts http(s), urn, tag and mailto IRIs and refuses the rest', () => {
    const verb = (id: string) => XapiStatement.safeParse({ ...paused, verb: { id } }).success;
    for (const ok of [
      'https://w3id.org/xapi/video/verbs/played',
      'http://x.org',
      'urn:uuid:1',
      'tag:a.b,2026:x',
    ])
      expect(verb(ok)).toBe(true);
    for (const bad of [
      'ftp://x.org/a',
      'https://',
      'https:// spaced.org',
      'played',
      'https://x.org/a\u0001b',
    ])
      expect(verb(bad)).toBe(false);
  });
});
