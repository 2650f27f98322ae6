// Messages between bench:ingest (parent) and its load generator (a child process, over the IPC channel).
import type { BenchCourseRef, Expected } from './events.ts';

export interface LoadSetup {
  url: string;
  learners: { id: string; token: string }[];
  courses: BenchCourseRef[];
  xapi: { key: string; secret: string };
  /** Statements per desktop upload: uniform in [min, max]. */
  batch: { min: number; max: number };
  /** Share of the events sent through POST /xapi/statements (by outside tools, for learners known by mbox). */
  xapiShare: number;
  xapiBatch: number;
  /** Share of the requests kept to be sent again by `replay`. */
  replayShare: number;
  seed: number;
  /** Where `finish` writes the ids of every statement the collector acknowledged, one per line (and those of
   * requests that failed in the end to `<idsFile>.unacknowledged`). */
  idsFile: string;
}

export type ToLoad =
  /** Build the next phase's requests now, so that the phase itself only sends them. */
  | { cmd: 'build'; rate: number; seconds: number }
  | { cmd: 'phase'; name: string; rate: number; seconds: number }
  | { cmd: 'replay'; rate: number }
  | { cmd: 'finish' };

export interface PhaseResult {
  name: string;
  rate: number;
  seconds: number;
  requests: number;
  /** Statements sent in those requests. */
  events: number;
  /** Acknowledged as new by the collector (desktop: `accepted`; xAPI: the ids answered). */
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Requests that still had no 2xx answer after their retries (non-2xx answers, network errors). */
  failed: number;
  /** Requests sent again after a connection reset or a 5xx. */
  retried: number;
  /** Answers 503 collector_busy (backpressure), each followed by a resend after Retry-After. */
  busy: number;
  failures: string[];
  /** Requests sent later than LATE_MS after their time on the schedule (the generator fell behind). */
  late: number;
  maxLateMs: number;
  /** Epoch ms: first request sent, last request sent, last answer received. */
  firstSendAt: number;
  lastSendAt: number;
  lastAnswerAt: number;
  /** Request → answer, ms. */
  answerMs: { p50: number; p99: number; max: number };
  maxInFlight: number;
  /** Statements acknowledged per whole second since the first send. */
  perSecond: number[];
  /** CPU seconds the generator used during the phase. */
  cpuSeconds: number;
}

export type FromLoad =
  | { type: 'ready' }
  | { type: 'built'; requests: number; ms: number }
  | { type: 'phase'; result: PhaseResult }
  | { type: 'finished'; expected: Expected; ids: number; actors: number }
  | { type: 'error'; message: string };

export const LATE_MS = 20;
