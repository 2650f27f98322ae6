import { createHash } from 'node:crypto';
import { DROP_OFF_BUCKETS } from '@lyceum/contracts';
import type { Fact, Session, SessionKey, SessionKind, TimelineEntry } from './port.ts';
import { courseRating, unionIntervals } from './pg-fold.ts';
import type { Counter } from './es-schema.ts';

/**
 * The documents of the Elasticsearch adapter. A fact document carries what the insights aggregate: the event's ids,
 * event time (`@timestamp`) and arrival (`stored`), its active time, and a 0/1 counter per thing it counts as (the
 * same definitions as the PostgreSQL rollups: store/pg-fold.ts), so every figure is a sum, a count or a distinct
 * count over facts.
 */
export interface FactDoc {
  '@timestamp': number;
  event_id: string;
  actor: string;
  verb: string;
  course_id: string | null;
  lesson_id: string | null;
  question_id: string | null;
  stored: number;
  source: string;
  learning: boolean;
  success: boolean | null;
  score_raw: number | null;
  /** A course rating (1..5), on `rated` events of a course. */
  rating: number | null;
  active_ms: number;
  position: number | null;
  video_length: number | null;
  /** position / length × 100, for Kibana's drop-off charts. */
  video_pct: number | null;
  watched: string[];
  n: Record<Counter, 0 | 1>;
}

const bit = (b: boolean): 0 | 1 => (b ? 1 : 0);

/** A segment as a keyword ("start|end"), exact both ways. */
export const segmentKey = ([a, b]: readonly [number, number]): string => `${a}|${b}`;
export function parseSegment(s: string): [number, number] | null {
  const [a, b] = s.split('|').map(Number);
  return a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b) ? [a, b] : null;
}

export function factDoc(f: Fact): FactDoc {
  const e = f.event;
  const video = e.video;
  const answered = e.verb === 'answered' && e.questionId !== null && e.success !== null;
  const rating = courseRating(f);
  const length = video?.length ?? null;
  return {
    '@timestamp': f.at,
    event_id: f.id,
    actor: e.actor,
    verb: e.verb,
    course_id: e.courseId,
    lesson_id: e.lessonId,
    question_id: e.questionId,
    stored: Date.parse(e.stored),
    source: e.source,
    learning: f.learning,
    success: e.success,
    score_raw: e.scoreRaw,
    rating,
    active_ms: f.activeMs,
    position: f.position,
    video_length: length,
    video_pct: f.position !== null && length !== null && length > 0 ? (f.position / length) * 100 : null,
    watched: video?.segments.length ? unionIntervals(video.segments).map(segmentKey) : [],
    n: {
      enrollments: bit(e.verb === 'enrolled' && e.courseId !== null),
      lesson_opens: bit(e.verb === 'opened' && e.lessonId !== null),
      lesson_completions: bit(e.verb === 'completed' && e.lessonId !== null && e.questionId === null),
      course_completions: bit(e.verb === 'completed' && e.courseId !== null && e.lessonId === null),
      video_events: bit(video !== null),
      quiz_answers: bit(answered),
      quiz_correct: bit(answered && e.success === true),
      quiz_attempts: bit(e.verb === 'passed' || e.verb === 'failed'),
      ratings: bit(rating !== null),
    },
  };
}

export const timelineEntry = (d: FactDoc): TimelineEntry => ({
  id: d.event_id,
  actor: d.actor,
  at: Number(d['@timestamp']),
  courseId: d.course_id ?? null,
  lessonId: d.lesson_id ?? null,
  activeMs: Number(d.active_ms),
});

export interface SessionDoc {
  stream: string;
  actor: string;
  kind: SessionKind;
  course_id: string;
  lesson_id: string;
  started_at: number;
  ended_at: number;
  duration_ms: number;
  events: number;
  courses: string[];
  position: number | null;
  position_at: number | null;
  position_id: string | null;
  video_length: number | null;
  /** Viewing sessions: the 5% bucket of the video where the viewer last was (null: unknown). */
  drop_bucket: number | null;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The key of a session stream (an actor's learning events, or their video events on one lesson). */
export const streamId = (s: {
  actor: string;
  kind: SessionKind;
  courseId: string;
  lessonId: string;
}): string => sha256(`${s.kind}\u0000${s.actor}\u0000${s.courseId}\u0000${s.lessonId}`);
/** A session's document id: its stream and start (actors may be up to 400 characters; ids at most 512 bytes). */
export const sessionId = (k: SessionKey): string => `${streamId(k)}-${k.startedAt}`;

/** Where a viewing session ended, as in store/pg-lessons.ts's DROP_OFF query. */
export function dropBucket(position: number | null, videoLength: number | null): number | null {
  if (position === null || videoLength === null || !(videoLength > 0)) return null;
  return Math.min(DROP_OFF_BUCKETS - 1, Math.max(0, Math.floor((position / videoLength) * DROP_OFF_BUCKETS)));
}

export const sessionDoc = (s: Session): SessionDoc => ({
  stream: streamId(s),
  actor: s.actor,
  kind: s.kind,
  course_id: s.courseId,
  lesson_id: s.lessonId,
  started_at: s.startedAt,
  ended_at: s.endedAt,
  duration_ms: s.endedAt - s.startedAt,
  events: s.events,
  courses: s.courses,
  position: s.position,
  position_at: s.positionAt,
  position_id: s.positionId,
  video_length: s.videoLength,
  drop_bucket: s.kind === 'video' ? dropBucket(s.position, s.videoLength) : null,
});

export const sessionOf = (d: SessionDoc): Session => ({
  actor: d.actor,
  kind: d.kind,
  courseId: d.course_id,
  lessonId: d.lesson_id,
  startedAt: Number(d.started_at),
  endedAt: Number(d.ended_at),
  events: Number(d.events),
  courses: d.courses ?? [],
  position: d.position ?? null,
  positionAt: d.position_at === null || d.position_at === undefined ? null : Number(d.position_at),
  positionId: d.position_id ?? null,
  videoLength: d.video_length ?? null,
});
