import { normalizeIntervals, type WatchedInterval } from '@lyceum/contracts';
import type { WatchBody } from '../../contracts/content.ts';

/** A jump of the play head larger than this between two time updates is a seek, not playback. */
const MAX_STEP_SECONDS = 1.5;

/**
 * Which stretches of a video were really played: a stretch opens when playback starts and closes on pause, end,
 * seek (a jump of the play head) or a report. `take()` hands over what was played since the last report.
 */
export function watchTracker() {
  let open: number | null = null;
  let last = 0;
  let pending: WatchedInterval[] = [];
  let reportedPosition: number | null = null;

  const close = () => {
    if (open !== null && last > open) pending.push([open, last]);
    open = null;
  };

  return {
    /** Where the player starts (the saved position): not reported again unless the student moves. */
    seed(t: number): void {
      last = t;
      reportedPosition = t;
    },
    /** Playback started (or resumed) at `t`. */
    play(t: number): void {
      close();
      open = t;
      last = t;
    },
    /** The play head moved to `t` while playing. */
    time(t: number): void {
      if (open === null) {
        last = t;
        return;
      }
      if (t < last || t - last > MAX_STEP_SECONDS) {
        close();
        open = t;
      }
      last = t;
    },
    /** Paused, ended or seeking: the current stretch ends where the play head was. */
    stop(): void {
      close();
    },
    /** Everything played and not reported yet, the open stretch included (for a live "watched" figure). */
    snapshot(): WatchedInterval[] {
      const open_: WatchedInterval[] = open !== null && last > open ? [[open, last]] : [];
      return normalizeIntervals([...pending, ...open_]);
    },
    get position(): number {
      return last;
    },
    /** A report of what changed since the last one (null when nothing did); `playing` keeps the stretch open. */
    take(duration: number): WatchBody | null {
      const playing = open !== null;
      close();
      if (playing) open = last;
      const intervals = normalizeIntervals(pending);
      pending = [];
      if (!intervals.length && reportedPosition !== null && Math.abs(reportedPosition - last) < 0.5)
        return null;
      if (!(duration > 0) || !Number.isFinite(duration)) {
        pending = intervals;
        return null;
      }
      reportedPosition = last;
      return { positionSeconds: Math.max(0, last), watchedIntervals: intervals, durationSeconds: duration };
    },
    /** A report that did not arrive: its stretches go out with the next one. */
    putBack(body: WatchBody): void {
      pending.push(...body.watchedIntervals);
      reportedPosition = null;
    },
  };
}
export type WatchTracker = ReturnType<typeof watchTracker>;
