import { describe, expect, it } from 'vitest';
import type { Fact, Session, TimelineEntry } from '../store/port.ts';
import { engagementScore } from '../insights/engagement.ts';
import { dayBounds, daysBetween } from '../insights/range.ts';
import { SESSION_GAP_MS, eventTime, toFact } from './facts.ts';
import { mergeSessions } from './sessions.ts';
import { placeInTimeline } from './timeline.ts';
import { learningEvent } from './test-events.ts';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const MIN = 60_000;
const fact = (minutes: number, extra: { lesson?: string } = {}): Fact =>
  toFact(
    learningEvent({
      actor: 'u',
      verb: 'opened',
      at: new Date(T0 + minutes * MIN).toISOString(),
      course: 'c',
      lesson: extra.lesson ?? 'l',
    }),
  );
const entry = (f: Fact, activeMs: number): TimelineEntry => ({
  id: f.id,
  actor: 'u',
  at: f.at,
  courseId: 'c',
  lessonId: f.event.lessonId,
  activeMs,
});
const learning = { actor: 'u', kind: 'learning' as const, courseId: '', lessonId: '' };
const stored = (from: number, to: number, events: number): Session => ({
  ...learning,
  startedAt: T0 + from * MIN,
  endedAt: T0 + to * MIN,
  events,
  courses: ['c'],
  position: null,
  positionAt: null,
  positionId: null,
  videoLength: null,
});

describe('sessions', () => {
  it('split where the gap exceeds 30 minutes, and not at exactly 30', () => {
    const facts = [
      fact(0),
      fact(30),
      fact(60) /* 30 min after: joins */,
      fact(90.01) /* 30.01 min: splits */,
    ];
    const { upserted, removed } = mergeSessions(learning, [], facts, SESSION_GAP_MS);
    expect(removed).toEqual([]);
    expect(upserted.map((s) => [(s.startedAt - T0) / MIN, (s.endedAt - T0) / MIN, s.events])).toEqual([
      [0, 60, 3],
      [90.01, 90.01, 1],
    ]);
  });

  it('a late event bridging two stored sessions merges them into the earlier one', () => {
    const { upserted, removed } = mergeSessions(
      learning,
      [stored(0, 10, 4), stored(50, 55, 2)],
      [fact(30)],
      SESSION_GAP_MS,
    );
    expect(removed).toEqual([{ ...learning, startedAt: T0 + 50 * MIN }]);
    expect(upserted).toHaveLength(1);
    expect(upserted[0]).toMatchObject({ startedAt: T0, endedAt: T0 + 55 * MIN, events: 7 });
  });

  it('a late event far from stored sessions starts its own and leaves them alone', () => {
    const { upserted, removed } = mergeSessions(learning, [stored(0, 10, 4)], [fact(41)], SESSION_GAP_MS);
    expect(removed).toEqual([]);
    expect(upserted.map((s) => s.startedAt)).toEqual([T0 + 41 * MIN]);
  });

  it('video sessions keep the position of their latest event, whatever order events come in', () => {
    const video = { actor: 'u', kind: 'video' as const, courseId: 'c', lessonId: 'l' };
    const mk = (minutes: number, time: number) =>
      toFact(
        learningEvent({
          actor: 'u',
          verb: 'paused',
          at: new Date(T0 + minutes * MIN).toISOString(),
          course: 'c',
          lesson: 'l',
          video: { time, length: 600 },
        }),
      );
    const first = mergeSessions(video, [], [mk(5, 300)], SESSION_GAP_MS).upserted;
    const late = mergeSessions(video, first, [mk(2, 120)], SESSION_GAP_MS).upserted;
    expect(late).toMatchObject([{ startedAt: T0 + 2 * MIN, position: 300, videoLength: 600, events: 2 }]);
  });
});

describe('active time', () => {
  it('a late event between two stored ones moves their gap onto both sides of it', () => {
    const p = fact(0, { lesson: 'l1' });
    const s = fact(50, { lesson: 'l2' });
    const late = fact(25, { lesson: 'l3' });
    // Stored: P then S 50 minutes later, so P contributed nothing.
    const changes = placeInTimeline([entry(p, 0), entry(s, 0)], [late], SESSION_GAP_MS);
    expect(changes).toEqual([{ entry: entry(p, 0), activeMs: 25 * MIN }]);
    expect(late.activeMs).toBe(25 * MIN);
  });

  it('new events at the end: the last stored one now leads to them; the newest contributes nothing yet', () => {
    const p = fact(0);
    const a = fact(10);
    const b = fact(45); // 35 minutes later: not active time
    const changes = placeInTimeline([entry(p, 0)], [b, a], SESSION_GAP_MS);
    expect(changes).toEqual([{ entry: entry(p, 0), activeMs: 10 * MIN }]);
    expect([a.activeMs, b.activeMs]).toEqual([0, 0]);
  });

  it('event time corrects real clock skew, ignores noise, and never runs past arrival', () => {
    const base = { timestamp: '2026-03-02T09:00:00.000Z', stored: '2026-03-02T12:00:00.000Z' };
    expect(eventTime({ ...base, skewMs: 3_600_000 })).toBe(Date.parse('2026-03-02T10:00:00.000Z'));
    expect(eventTime({ ...base, skewMs: 1_500 })).toBe(Date.parse(base.timestamp));
    expect(eventTime({ ...base, skewMs: null })).toBe(Date.parse(base.timestamp));
    expect(eventTime({ ...base, timestamp: '2026-03-02T13:00:00.000Z', skewMs: null })).toBe(
      Date.parse(base.stored),
    );
  });
});

describe('insight helpers', () => {
  it('engagement score follows the documented formula', () => {
    // 27 active minutes, 2 lessons, 1 quiz attempt, last active 14 hours before the end of the range:
    // 100 × (0.4·(1−e^−0.45) + 0.25·(1−e^−0.4) + 0.15·(1−e^−1/3) + 0.2·e^−(14/24)/7) = 45.39 → 45.4
    const asOf = Date.parse('2026-03-05T00:00:00Z');
    const x = {
      activeMs: 27 * MIN,
      lessonsCompleted: 2,
      quizAttempts: 1,
      lastActiveAt: asOf - 14 * 3_600_000,
    };
    expect(engagementScore(x, asOf)).toBe(45.4);
    expect(engagementScore({ ...x, lastActiveAt: null }, asOf)).toBe(0);
    const maxed = { activeMs: 1e9, lessonsCompleted: 1e3, quizAttempts: 1e3, lastActiveAt: asOf };
    expect(engagementScore(maxed, asOf)).toBe(100);
  });

  it('day bounds cover every UTC day the range overlaps', () => {
    expect(dayBounds({ from: '2026-03-02T00:00:00Z', to: '2026-03-04T00:00:00Z' })).toEqual({
      fromDay: '2026-03-02',
      toDay: '2026-03-04',
    });
    expect(dayBounds({ from: '2026-03-02T23:00:00Z', to: '2026-03-03T00:00:01Z' })).toEqual({
      fromDay: '2026-03-02',
      toDay: '2026-03-04',
    });
    expect(daysBetween('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
  });
});
