import type { LearningEvent } from '@lyceum/contracts';
import type { Fact, Instant } from '../store/port.ts';

/** A gap between two of a learner's events longer than this ends the session and is not active learning time. */
export const SESSION_GAP_MS = 30 * 60_000;

/**
 * Clock skews up to this are measurement noise (network and processing delay between the device's `sentAt` and the
 * server's clock), not a wrong device clock: event times are corrected only for larger ones.
 */
export const SKEW_TOLERANCE_MS = 2_000;

/**
 * Event time: the device timestamp, corrected by the upload's estimated clock skew (server − device) when the device
 * clock was off, and never later than its arrival (`stored`): nothing happens after it reached the server.
 */
export function eventTime(e: Pick<LearningEvent, 'timestamp' | 'stored' | 'skewMs'>): number {
  let at = Date.parse(e.timestamp);
  if (e.skewMs !== null && Math.abs(e.skewMs) > SKEW_TOLERANCE_MS) at += Math.round(e.skewMs);
  return Math.min(at, Date.parse(e.stored));
}

/** Platform events (a course published) are stored but are not part of anyone's learning. */
export const isLearning = (e: Pick<LearningEvent, 'verb'>): boolean => e.verb !== 'published';

/**
 * Whether an event puts its learner among the "active learners now": any learning event but an enrollment — a
 * student an instructor adds to the roster (or a purchase, or a voucher) is enrolled without being there.
 */
export const makesPresent = (e: Pick<LearningEvent, 'verb'>): boolean =>
  isLearning(e) && e.verb !== 'enrolled';

/** Where a video event leaves the viewer: its time, the target of a seek, or the end of what it watched. */
export function videoPosition(e: Pick<LearningEvent, 'video'>): number | null {
  const v = e.video;
  if (!v) return null;
  if (v.time !== null) return v.time;
  if (v.to !== null) return v.to;
  if (v.segments.length) return Math.max(...v.segments.map(([, end]) => end));
  return null;
}

/** Video events on a lesson feed viewing sessions (watch share, drop-off). */
export const isVideoOnLesson = (
  e: Pick<LearningEvent, 'video' | 'courseId' | 'lessonId' | 'questionId'>,
): boolean => e.video !== null && e.courseId !== null && e.lessonId !== null && e.questionId === null;

/** The fact of an event before the timeline is known (activeMs is set when it is placed). */
export function toFact(event: LearningEvent): Fact {
  return {
    event,
    id: event.id.toLowerCase(),
    at: eventTime(event),
    learning: isLearning(event),
    activeMs: 0,
    position: videoPosition(event),
  };
}

/** Order of a timeline: event time, then id. */
export function compareInstants(a: Instant, b: Instant): number {
  if (a.at !== b.at) return a.at - b.at;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Active time a gap contributes: all of it up to the session gap, nothing beyond. */
export const activeGap = (gapMs: number, sessionGapMs: number): number => (gapMs <= sessionGapMs ? gapMs : 0);
