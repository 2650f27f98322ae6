import type { LearningEvent } from '@lyceum/contracts';
import { learningEvent, type EventSpec } from './test-events.ts';

/**
 * FOR TESTS ONLY: a hand-built learning history — 3 students, 2 courses, a video lesson and a quiz lesson in course
 * A, a video lesson in course B, ratings — with the figures it must give worked out by hand (test files check them).
 *
 * Day 1 = 2026-03-02, day 2 = 03-03, day 3 = 03-04 (UTC). Lesson videos: a1 600 s, b1 300 s. Quiz a2: q1, q2, q3.
 * s2's second session of day 1 and rating of day 2 were recorded offline and arrive on day 3 (`late`).
 */
export const A = '0190b8a0-0000-7000-8000-00000000000a';
export const B = '0190b8a0-0000-7000-8000-00000000000b';
export const A1 = '0190b8a0-0000-7000-8000-0000000000a1';
export const A2 = '0190b8a0-0000-7000-8000-0000000000a2';
export const B1 = '0190b8a0-0000-7000-8000-0000000000b1';
export const DAY1 = '2026-03-02';
export const DAY2 = '2026-03-03';
export const DAY3 = '2026-03-04';
const at = (day: string, hhmm: string) => `${day}T${hhmm}:00.000Z`;
const LATE = at(DAY3, '18:00');

type Spec = Omit<EventSpec, 'actor' | 'at'>;
const story = (actor: string, day: string, steps: [string, Spec][], extra: Partial<EventSpec> = {}) =>
  steps.map(([hhmm, s]) => learningEvent({ actor, at: at(day, hhmm), ...s, ...extra }));

const a1 = (time: number, segments?: [number, number][]) => ({
  course: A,
  lesson: A1,
  video: { time, length: 600, ...(segments ? { segments } : {}) },
});
const b1 = (time: number, segments?: [number, number][]) => ({
  course: B,
  lesson: B1,
  video: { time, length: 300, ...(segments ? { segments } : {}) },
});
const q = (question: string, success: boolean) => ({ course: A, lesson: A2, question, success });

/*
 * s1, day 1, one session 09:00–09:27 (1,620 s active). Time lands on the event it follows: a1 60+300+300+480 =
 * 1,140 s; a2 6×60 = 360 s; course A itself 60+60 = 120 s. Watches a1 whole (share 1.0), viewing session ends at
 * 600 s (bucket 19). Quiz a2 first answers ✓✓✗ (score 2). Completes a1, a2 and course A, rates A 5.
 * Day 3: re-rates A 4 (a one-event session, 0 s): the latest rating counts.
 */
export const s1 = [
  ...story('s1', DAY1, [
    ['09:00', { verb: 'enrolled', course: A }],
    ['09:01', { verb: 'opened', course: A, lesson: A1 }],
    ['09:02', { verb: 'played', ...a1(0) }],
    ['09:07', { verb: 'paused', ...a1(300, [[0, 300]]) }],
    ['09:12', { verb: 'completed', ...a1(600, [[300, 600]]) }],
    ['09:20', { verb: 'opened', course: A, lesson: A2 }],
    ['09:21', { verb: 'answered', ...q('q1', true) }],
    ['09:22', { verb: 'answered', ...q('q2', true) }],
    ['09:23', { verb: 'answered', ...q('q3', false) }],
    ['09:24', { verb: 'passed', course: A, lesson: A2 }],
    ['09:25', { verb: 'completed', course: A, lesson: A2 }],
    ['09:26', { verb: 'completed', course: A }],
    ['09:27', { verb: 'rated', course: A, scoreRaw: 5 }],
  ]),
  ...story('s1', DAY3, [['10:00', { verb: 'rated', course: A, scoreRaw: 4 }]]),
];

/*
 * s2, day 1: session 10:00–10:10 (600 s), then — after 50 minutes, a new session — 11:00–11:09 (540 s), uploaded
 * late. a1: 60+240+180+60 = 540 s; a2: 5×60 = 300 s; course A: 300 s. Viewing sessions on a1 end at 240 s (40%,
 * bucket 8) and 420 s (70%, bucket 14); watched [0, 420] = share 0.7. Quiz first answers ✗✓✗ (q1 retried, score 1).
 * Day 2 (late too): rates A 3.
 */
export const s2Early = story('s2', DAY1, [
  ['10:00', { verb: 'enrolled', course: A }],
  ['10:05', { verb: 'opened', course: A, lesson: A1 }],
  ['10:06', { verb: 'played', ...a1(0) }],
  ['10:10', { verb: 'paused', ...a1(240, [[0, 240]]) }],
]);
export const s2Late = [
  ...story(
    's2',
    DAY1,
    [
      ['11:00', { verb: 'played', ...a1(240) }],
      ['11:03', { verb: 'paused', ...a1(420, [[240, 420]]) }],
      ['11:04', { verb: 'opened', course: A, lesson: A2 }],
      ['11:05', { verb: 'answered', ...q('q1', false) }],
      ['11:06', { verb: 'answered', ...q('q1', true) }],
      ['11:07', { verb: 'answered', ...q('q2', true) }],
      ['11:08', { verb: 'answered', ...q('q3', false) }],
      ['11:09', { verb: 'failed', course: A, lesson: A2 }],
    ],
    { stored: LATE },
  ),
  ...story('s2', DAY2, [['14:00', { verb: 'rated', course: A, scoreRaw: 3 }]], { stored: LATE }),
];

/*
 * s3, day 1 in course B: 08:00–08:05 (300 s; b1 240 s, course B 60 s), watches b1 [0, 90] (share 0.3, bucket 6),
 * rates B 2. Day 2 in course A: 09:00–09:05 (300 s; a2 240 s, course A 60 s), quiz first answers ✓✗✓ (score 2).
 */
export const s3 = [
  ...story('s3', DAY1, [
    ['08:00', { verb: 'enrolled', course: B }],
    ['08:01', { verb: 'opened', course: B, lesson: B1 }],
    ['08:02', { verb: 'played', ...b1(0) }],
    ['08:04', { verb: 'paused', ...b1(90, [[0, 90]]) }],
    ['08:05', { verb: 'rated', course: B, scoreRaw: 2 }],
  ]),
  ...story('s3', DAY2, [
    ['09:00', { verb: 'enrolled', course: A }],
    ['09:01', { verb: 'opened', course: A, lesson: A2 }],
    ['09:02', { verb: 'answered', ...q('q1', true) }],
    ['09:03', { verb: 'answered', ...q('q2', false) }],
    ['09:04', { verb: 'answered', ...q('q3', true) }],
    ['09:05', { verb: 'passed', course: A, lesson: A2 }],
  ]),
];

/** Everything, in the order it arrives: on time first (by arrival), the late uploads last. */
export const scenario = (): LearningEvent[] =>
  [...s1, ...s2Early, ...s3].sort((x, y) => Date.parse(x.stored) - Date.parse(y.stored)).concat(s2Late);

export const range = (from: string, to: string, courseId?: string) => ({
  from: `${from}T00:00:00.000Z`,
  to: `${to}T00:00:00.000Z`,
  ...(courseId ? { courseId } : {}),
});
/** Days 1–3 whole. */
export const ALL = range(DAY1, '2026-03-05');
