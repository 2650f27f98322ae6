import { describe, expect, it } from 'vitest';
import {
  LYCEUM_ACCOUNT_HOME,
  StoredStatement,
  VERBS,
  VIDEO_EXT,
  XapiStatement,
  activityIri,
  toLearningEvent,
} from '@lyceum/contracts';
import { responseText, statementsFor, type DeviceStatement } from './statements.ts';

const course = '0190b8a0-0000-7000-8000-000000000001';
const lesson = '0190b8a0-0000-7000-8000-000000000002';
const question = '0190b8a0-0000-7000-8000-000000000003';
const user = '0190b8a0-0000-7000-8000-0000000000ff';
const at = new Date('2026-03-02T09:00:00.000Z');
const b = statementsFor(user, () => at);
const where = { courseId: course, lessonId: lesson, lessonTitle: 'Clip', courseTitle: 'Film' };

/** What the server's processor will pull out of it (as if stored now). */
const facts = (s: DeviceStatement) =>
  toLearningEvent(StoredStatement.parse({ ...s, stored: '2026-03-03T00:00:00.000Z' }), { source: 'desktop' });

describe('device statements', () => {
  it('are valid xAPI with a UUIDv7 id, the device time, the account and the course as parent', () => {
    const s = b.lessonOpened(where);
    expect(XapiStatement.safeParse(s).success).toBe(true);
    expect(s.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(s.timestamp).toBe(at.toISOString());
    expect(s.actor).toEqual({ objectType: 'Agent', account: { homePage: LYCEUM_ACCOUNT_HOME, name: user } });
    expect(s.verb.id).toBe(VERBS.opened);
    expect(s.context?.contextActivities?.parent?.map((a) => a.id)).toEqual([activityIri.course(course)]);
    expect(facts(s)).toMatchObject({ actor: user, verb: 'opened', courseId: course, lessonId: lesson });
    expect(b.lessonOpened(where).id).not.toBe(s.id);
  });

  it('video statements carry the Video Profile extensions the processor reads', () => {
    const paused = b.video(where, {
      verb: 'paused',
      sessionId: '0190b8a0-0000-7000-8000-0000000000aa',
      time: 42.12345,
      segments: [
        [0, 12.5],
        [30, 42.12345],
      ],
      length: 600,
      progress: 0.0452,
    });
    expect(XapiStatement.safeParse(paused).success).toBe(true);
    expect(paused.result?.extensions?.[VIDEO_EXT.playedSegments]).toBe('0[.]12.5[,]30[.]42.123');
    expect(paused.context?.extensions?.[VIDEO_EXT.sessionId]).toBe('0190b8a0-0000-7000-8000-0000000000aa');
    expect(facts(paused)).toMatchObject({
      verb: 'paused',
      lessonId: lesson,
      video: {
        time: 42.123,
        length: 600,
        progress: 0.045,
        segments: [
          [0, 12.5],
          [30, 42.123],
        ],
      },
    });
    const seeked = b.video(where, {
      verb: 'seeked',
      sessionId: null,
      time: 90,
      from: 10,
      to: 90,
      segments: [],
      length: 600,
      progress: 0,
    });
    expect(facts(seeked).video).toMatchObject({ from: 10, to: 90, time: null });
    const done = b.video(where, {
      verb: 'completed',
      sessionId: null,
      time: 560,
      segments: [[0, 560]],
      length: 600,
      progress: 0.93,
    });
    expect(facts(done)).toMatchObject({ verb: 'completed', completion: true, durationSeconds: 560 });
  });

  it('answers name the question under its lesson, with correctness and the response as text', () => {
    const s = b.answered(
      where,
      {
        questionId: question,
        type: 'multiple_choice',
        prompt: 'Even?',
        success: false,
        response: ['x', 'y'],
      },
      at,
    );
    expect(XapiStatement.safeParse(s).success).toBe(true);
    expect(s.object.definition).toMatchObject({ interactionType: 'choice', name: { en: 'Even?' } });
    expect(s.result).toEqual({ success: false, response: 'x[,]y' });
    expect(s.context?.contextActivities?.parent?.map((a) => a.id)).toEqual([
      activityIri.lesson(course, lesson),
      activityIri.course(course),
    ]);
    expect(facts(s)).toMatchObject({
      verb: 'answered',
      questionId: question,
      lessonId: lesson,
      success: false,
    });
    expect([responseText(true), responseText(3.14), responseText(undefined)]).toEqual(['true', '3.14', '']);
  });

  it('quiz outcomes carry the score; attempts the time spent', () => {
    const passed = b.quizOutcome(where, { passed: true, score: 2, maxScore: 3, percent: 66.67 }, at);
    expect(facts(passed)).toMatchObject({ verb: 'passed', success: true, scoreScaled: 0.6667, scoreRaw: 2 });
    const failed = b.quizOutcome(where, { passed: false, score: 0, maxScore: 3, percent: 0 }, at);
    expect(failed.verb.id).toBe(VERBS.failed);
    const attempted = b.quizAttempted(where, {
      startedAt: '2026-03-02T08:58:30.000Z',
      submittedAt: '2026-03-02T09:00:00.000Z',
    });
    expect(attempted.timestamp).toBe('2026-03-02T09:00:00.000Z');
    expect(facts(attempted)).toMatchObject({ verb: 'attempted', durationSeconds: 90 });
  });
});
