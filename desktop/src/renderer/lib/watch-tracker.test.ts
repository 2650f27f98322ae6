import { describe, expect, it } from 'vitest';
import { watchTracker } from './watch-tracker.ts';

/** Play from `from` to `to` in time updates of a quarter second. */
function play(t: ReturnType<typeof watchTracker>, from: number, to: number) {
  t.play(from);
  for (let x = from; x <= to; x += 0.25) t.time(x);
  t.time(to);
}

describe('watch tracker', () => {
  it('reports only what was played since the last report, and keeps a playing stretch open', () => {
    const t = watchTracker();
    play(t, 0, 4);
    expect(t.take(10)).toEqual({ positionSeconds: 4, watchedIntervals: [[0, 4]], durationSeconds: 10 });
    for (let x = 4; x <= 6; x += 0.25) t.time(x);
    expect(t.take(10)).toEqual({ positionSeconds: 6, watchedIntervals: [[4, 6]], durationSeconds: 10 });
    t.stop();
    expect(t.take(10)).toBeNull();
  });

  it('splits stretches at seeks (a jump of the play head) instead of counting the skipped part', () => {
    const t = watchTracker();
    play(t, 0, 2);
    t.time(8); // seek forward while playing
    for (let x = 8; x <= 9; x += 0.25) t.time(x);
    t.stop();
    t.play(1); // backwards, then plays again
    t.time(1.5);
    t.stop();
    expect(t.take(10)?.watchedIntervals).toEqual([
      [0, 2],
      [8, 9],
    ]);
  });

  it('does not report the saved position again, but reports a seek while paused', () => {
    const t = watchTracker();
    t.seed(42);
    expect(t.take(100)).toBeNull();
    t.time(60);
    expect(t.take(100)).toEqual({ positionSeconds: 60, watchedIntervals: [], durationSeconds: 100 });
  });

  it('keeps what could not be reported for the next report, and waits for a known duration', () => {
    const t = watchTracker();
    play(t, 0, 3);
    t.stop();
    expect(t.take(Number.NaN)).toBeNull();
    const body = t.take(10)!;
    expect(body.watchedIntervals).toEqual([[0, 3]]);
    t.putBack(body);
    play(t, 3, 5);
    t.stop();
    expect(t.take(10)?.watchedIntervals).toEqual([[0, 5]]);
  });
});
