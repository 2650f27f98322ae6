import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyProgressEvent,
  courseGrade,
  isCourseComplete,
  normalizeIntervals,
  progressPercent,
  watchedSeconds,
  type LessonEvent,
  type LessonState,
  type StudentCourseProgress,
  type WatchedInterval,
} from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { createCourse, enrollDirectly } from '../../../test/factories.ts';
import { csvCell } from './gradebook.ts';
import { median } from './reports.ts';

describe('merge rules (pure)', () => {
  it('normalizes intervals: sorted, overlapping and touching ones merged, empty ones dropped', () => {
    expect(
      normalizeIntervals([
        [30, 40],
        [0, 10],
        [5, 12],
        [12, 15],
        [20, 20],
        [50, 55],
        [52, 53],
      ]),
    ).toEqual([
      [0, 15],
      [30, 40],
      [50, 55],
    ]);
    expect(normalizeIntervals([])).toEqual([]);
    expect(
      watchedSeconds(
        normalizeIntervals([
          [0, 10],
          [5, 12.5],
        ]),
      ),
    ).toBe(12.5);
  });

  it('is order-independent and idempotent', () => {
    const t0 = Date.parse('2024-03-01T10:00:00Z');
    const at = (s: number) => new Date(t0 + s * 1000).toISOString();
    const events: LessonEvent[] = [
      { id: 'a', positionSeconds: 10, watchedIntervals: [[0, 10]], occurredAt: at(10) },
      { id: 'b', positionSeconds: 95, watchedIntervals: [[60, 95]], completed: true, occurredAt: at(95) },
      { id: 'c', positionSeconds: 40, watchedIntervals: [[10, 40]], occurredAt: at(40) },
      { id: 'd', watchedIntervals: [[100, 120]], occurredAt: at(5) },
    ];
    const fold = (evs: LessonEvent[]) =>
      evs.reduce<LessonState | null>((s, e) => applyProgressEvent(s, e), null)!;
    const forward = fold(events);
    expect(forward).toMatchObject({
      positionSeconds: 95,
      positionEventId: 'b',
      watchedIntervals: [
        [0, 40],
        [60, 95],
        [100, 120],
      ],
      completed: true,
      completedAt: at(95),
      lastActivityAt: at(95),
    });
    expect(fold([...events].reverse())).toEqual(forward);
    expect(fold([events[2]!, events[0]!, events[3]!, events[1]!, events[1]!, events[0]!])).toEqual(forward);
    // Completion never turns off, whatever comes later.
    expect(
      applyProgressEvent(forward, { id: 'e', completed: false, positionSeconds: 3, occurredAt: at(200) }),
    ).toMatchObject({
      completed: true,
      positionSeconds: 3,
    });
    // Equal occurredAt: the larger event id wins, so every replica picks the same position.
    const tie = fold([
      { id: 'x2', positionSeconds: 2, occurredAt: at(1) },
      { id: 'x1', positionSeconds: 1, occurredAt: at(1) },
    ]);
    expect(tie.positionSeconds).toBe(2);
    // Device times after the server received the event are clamped to that.
    const clamped = applyProgressEvent(null, {
      id: 'f',
      completed: true,
      occurredAt: at(1000),
      recordedAt: at(50),
    });
    expect(clamped.completedAt).toBe(at(50));
  });

  it('computes percent, weighted grades and the completion rule', () => {
    expect(progressPercent(1, 3)).toBe(33.3);
    expect(progressPercent(2, 3)).toBe(66.7);
    expect(progressPercent(0, 0)).toBe(0);
    expect(progressPercent(0, 0, true)).toBe(100);
    const g = courseGrade([
      { graded: true, weight: 1, bestPercent: 80 },
      { graded: true, weight: 3, bestPercent: 60 },
      { graded: true, weight: 2, bestPercent: null },
      { graded: false, weight: 5, bestPercent: 0 },
    ]);
    expect(g).toEqual({ grade: 43.33, gradeSoFar: 65 });
    expect(courseGrade([{ graded: false, weight: 1, bestPercent: 50 }])).toEqual({
      grade: null,
      gradeSoFar: null,
    });
    const lessons = [
      { id: 'l1', required: true },
      { id: 'l2', required: false },
      { id: 'q', required: false },
    ];
    expect(isCourseComplete(lessons, ['q'], new Set(['l1']), new Set())).toBe(false);
    expect(isCourseComplete(lessons, ['q'], new Set(['l1']), new Set(['q']))).toBe(true);
    expect(isCourseComplete(lessons, [], new Set(['l2']), new Set())).toBe(false);
  });

  it('takes the median and guards CSV cells', () => {
    expect(median([10, 50, 30])).toBe(30);
    expect(median([10, 20, 30, 40])).toBe(25);
    expect(median([])).toBeNull();
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(null)).toBe('');
  });
});

// The server merges in SQL (one statement per write); it must agree with the shared pure functions.
describe('merge rules (server agrees with the pure functions)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('gives the same lesson state for random events sent in random order', async () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const owner = await t.user('instructor');
    const course = await createCourse(t.server.database.pool, {
      ownerId: owner.id,
      modules: [[{ title: 'V1' }, { title: 'V2' }, { title: 'V3' }]],
    });
    const student = await t.user('student');
    await enrollDirectly(t.server.database.pool, course.id, student.id);
    const t0 = Date.now() - 7 * 86_400_000;
    const expected = new Map<string, LessonState | null>();
    const sends: { lessonId: string; ev: LessonEvent }[] = [];
    for (const lesson of course.lessons) {
      let state: LessonState | null = null;
      for (let i = 0; i < 25; i++) {
        const start = Math.round(rand() * 6000) / 10;
        const intervals: WatchedInterval[] = [[start, start + Math.round(rand() * 900) / 10]];
        const other = Math.round(rand() * 600);
        if (rand() < 0.3) intervals.push([other, other + 30]);
        const ev: LessonEvent = {
          id: crypto.randomUUID(),
          // Several events share a timestamp, so the id tie-break is exercised too.
          occurredAt: new Date(t0 + Math.floor(rand() * 8) * 60_000).toISOString(),
          ...(rand() < 0.8 ? { positionSeconds: Math.round(rand() * 6000) / 10 } : {}),
          ...(rand() < 0.9 ? { watchedIntervals: intervals } : {}),
          ...(rand() < 0.1 ? { completed: true } : {}),
        };
        state = applyProgressEvent(state, ev);
        sends.push({ lessonId: lesson.id, ev });
      }
      expected.set(lesson.id, state);
    }
    sends.sort(() => rand() - 0.5);
    // Concurrent sends in batches: the row-level merge must not lose any of them.
    for (let i = 0; i < sends.length; i += 8) {
      const batch = sends.slice(i, i + 8);
      const res = await Promise.all(
        batch.map(({ lessonId, ev }) =>
          t.api('POST', '/api/v1/progress', {
            token: student.token,
            body: { ...ev, courseId: course.id, lessonId },
          }),
        ),
      );
      expect(res.map((r) => r.status)).toEqual(batch.map(() => 201));
    }
    const report = await t.api<StudentCourseProgress>('GET', `/api/v1/me/courses/${course.id}/progress`, {
      token: student.token,
    });
    for (const lesson of report.body.lessons) {
      const want = expected.get(lesson.lessonId)!;
      expect(lesson.watchedIntervals).toEqual(want.watchedIntervals);
      expect(lesson.positionSeconds).toBe(want.positionSeconds);
      expect(lesson.completed).toBe(want.completed);
      expect(lesson.completedAt).toBe(want.completedAt);
      expect(lesson.lastActivityAt).toBe(want.lastActivityAt);
      expect(lesson.watchedSeconds).toBe(watchedSeconds(want.watchedIntervals));
    }
  });
});
