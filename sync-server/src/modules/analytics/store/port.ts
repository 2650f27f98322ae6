import type {
  CourseFunnel,
  DailyPoint,
  EngagementInsight,
  InsightRange,
  LearningEvent,
  LessonInsight,
  PlatformOverview,
  QuestionInsight,
  RatingInsight,
  StudentSummary,
} from '@lyceum/contracts';

/**
 * The analytics store port: what the processor writes and what the insights API reads. Two adapters: PostgreSQL
 * (embedded default: raw facts plus rollup tables, store/postgres.ts) and Elasticsearch.
 *
 * WRITES. The processor turns events into FACTS: the event plus what it derived (event time, active time contributed,
 * video position). What depends on a learner's other events (active time = the gap to the learner's next event when
 * it is at most the session gap; sessions) is derived by the processor from the stored timeline, inside `ingest`,
 * which gives it the actors' timelines to itself, so a second processor, a replay or a restart gives the same answer.
 * Writes are idempotent on the event id: a fact already stored is never counted again.
 *
 * READS. Every query takes a range [from, to) in event time and an optional course. How an adapter answers (rollups
 * kept at write time, aggregations at query time) is its own affair; the contract suite checks both agree.
 */

/** Milliseconds since the epoch. */
export type Millis = number;

/** A learning event and what the processor derived from it. */
export interface Fact {
  event: LearningEvent;
  /** Lower-case event id (the order of ids breaks ties between events at the same instant). */
  id: string;
  /** Event time: the device timestamp corrected by the upload's clock skew, never later than `stored`. */
  at: Millis;
  /** Part of the learner's timeline (sessions, active time, per-learner figures); false for platform events. */
  learning: boolean;
  /** Active learning time contributed: the gap to the actor's next event when at most the session gap, else 0. */
  activeMs: number;
  /** Where in the video (s) this event leaves the viewer, for video events that say. */
  position: number | null;
}

/** A stored fact as the timeline needs it. */
export interface TimelineEntry {
  id: string;
  actor: string;
  at: Millis;
  courseId: string | null;
  lessonId: string | null;
  activeMs: number;
}

export interface Instant {
  at: Millis;
  id: string;
}

/**
 * The part of one actor's timeline around new events: the stored event just before `first`, every stored event
 * from `first` to `last` inclusive (in (at, id) order), and the stored event just after `last`.
 */
export interface TimelineWindow {
  actor: string;
  first: Instant;
  last: Instant;
}

/**
 * A session: a maximal run of one actor's events with no gap over the session gap. `learning` sessions run over all
 * the actor's learning events (courseId = lessonId = ''); `video` sessions (viewing sessions) over the actor's video
 * events on one lesson. A session's active time is endedAt − startedAt.
 */
export type SessionKind = 'learning' | 'video';
export interface SessionKey {
  actor: string;
  kind: SessionKind;
  courseId: string;
  lessonId: string;
  startedAt: Millis;
}
export interface Session extends SessionKey {
  endedAt: Millis;
  events: number;
  /** Learning sessions: the courses its events were in. */
  courses: string[];
  /** Video sessions: the last known position (s), from the latest event that had one (by (at, id)). */
  position: number | null;
  positionAt: Millis | null;
  positionId: string | null;
  videoLength: number | null;
}

/** Sessions of one (actor, kind, course, lesson) that end at or after `from` and start at or before `to`. */
export interface SessionWindow {
  actor: string;
  kind: SessionKind;
  courseId: string;
  lessonId: string;
  from: Millis;
  to: Millis;
}

/** A stored fact whose active time changes because a new event now follows it. */
export interface ActiveChange {
  entry: TimelineEntry;
  activeMs: number;
}

export interface FactWrite {
  /** New facts (not stored yet, as far as the timeline showed). */
  facts: Fact[];
  activeChanges: ActiveChange[];
  sessions: { removed: SessionKey[]; upserted: Session[] };
}

export interface WriteResult {
  /** Ids of the facts actually stored by this write (the others were already there: duplicates). */
  inserted: string[];
}

/**
 * The unit of work of one batch: read the timeline and sessions around the new events, then write. PostgreSQL makes
 * it one transaction (all visible at once, or nothing). A store without multi-document transactions (Elasticsearch)
 * must still make a batch that failed half-way come out right when it is delivered again — e.g. by writing the new
 * facts last and the derived state (active time of stored facts, sessions) first, keyed so that rewriting it from the
 * same inputs gives the same documents, and by telling apart, on redelivery, sessions that already hold the events.
 */
export interface IngestTransaction {
  timeline(windows: TimelineWindow[]): Promise<TimelineEntry[]>;
  sessions(windows: SessionWindow[]): Promise<Session[]>;
  write(w: FactWrite): Promise<WriteResult>;
}

/**
 * `write` found learning facts already stored that the timeline did not show (an id reused with another actor or
 * time). Nothing was written; the processor drops those ids from the batch and runs it again.
 */
export class StaleTimelineError extends Error {
  constructor(readonly ids: string[]) {
    super(`${ids.length} event id(s) are already stored under another actor or time`);
    this.name = 'StaleTimelineError';
  }
}

export interface AnalyticsStore {
  readonly kind: 'postgres' | 'elasticsearch';
  /**
   * Run `fn` with the timelines of `actors` to itself: no other ingest touching these actors runs meanwhile, here
   * or in another process. What `fn` writes commits when it resolves, and is dropped if it throws.
   */
  ingest<T>(actors: readonly string[], fn: (tx: IngestTransaction) => Promise<T>): Promise<T>;

  /** Live figures at `now` (server time, default the clock) plus the range's totals. */
  overview(range: InsightRange, now?: Date): Promise<PlatformOverview>;
  /** Per course (the range's course only, if given), by course id. */
  funnel(range: InsightRange): Promise<CourseFunnel[]>;
  lessons(range: InsightRange): Promise<LessonInsight[]>;
  questions(range: InsightRange): Promise<QuestionInsight[]>;
  engagement(range: InsightRange, opts?: { limit?: number; now?: Date }): Promise<EngagementInsight>;
  ratings(range: InsightRange): Promise<RatingInsight>;
  student(actor: string, range: InsightRange, opts?: { now?: Date }): Promise<StudentSummary>;
  /** One point per UTC day the range overlaps, zeros included. */
  daily(range: InsightRange): Promise<DailyPoint[]>;
  /**
   * Empty every figure (facts, rollups, sessions). The voiding correction calls it, then feeds the unvoided
   * statements through the processor again.
   */
  clear(): Promise<void>;
  close(): Promise<void>;
}
