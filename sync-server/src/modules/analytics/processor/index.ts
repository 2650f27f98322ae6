import type { LearningEvent } from '@lyceum/contracts';
import {
  StaleTimelineError,
  type ActiveChange,
  type AnalyticsStore,
  type Fact,
  type IngestTransaction,
  type Session,
  type SessionKey,
} from '../store/port.ts';
import { SESSION_GAP_MS, isVideoOnLesson, toFact } from './facts.ts';
import { mergeSessions, sessionWindow, streamKey, type SessionStream } from './sessions.ts';
import { statsRecorder, type BatchReport } from './stats.ts';
import { placeInTimeline, timelineWindow } from './timeline.ts';

export type { BatchReport, ProcessorStats } from './stats.ts';

/**
 * The data processor: turns batches of learning events from the stream into facts and aggregates in the analytics
 * store, in EVENT time. Lateness is unbounded: aggregates are updated in place, no window is ever closed, so an event
 * uploaded days late lands in its own day and session. Every write is idempotent on the event id (a replay, a
 * redelivery or a second processor changes no figure), and per-actor state (the timeline, sessions) lives in the
 * store, so a restart or a second process gives the same answer.
 */
export interface ProcessorOptions {
  store: AnalyticsStore;
  /** Inactivity gap that ends a session (default 30 minutes). */
  sessionGapMs?: number;
  /** Called after each committed batch: feed /metrics (processing latency, throughput) from here. */
  onBatch?: (report: BatchReport) => void;
  /** Server clock (ms), for latency measurement. */
  now?: () => number;
  /** The ids among a batch's that must not count (statements voided through the LRS, see voiding.ts). */
  skip?: (ids: string[]) => Promise<Set<string>>;
}

const MAX_ATTEMPTS = 4;

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = out.get(k);
    if (list) list.push(x);
    else out.set(k, [x]);
  }
  return out;
}

/** Read the stored state around the batch, derive, write — inside the store's unit of work. */
async function deriveAndWrite(tx: IngestTransaction, facts: Fact[], gapMs: number) {
  const byActor = groupBy(
    facts.filter((f) => f.learning),
    (f) => f.event.actor,
  );
  const windows = [...byActor].map(([actor, fs]) => timelineWindow(actor, fs));
  const entries = windows.length ? await tx.timeline(windows) : [];
  const storedIds = new Set(entries.map((e) => e.id));
  const entriesByActor = groupBy(entries, (e) => e.actor);

  const fresh = facts.filter((f) => !storedIds.has(f.id));
  const activeChanges: ActiveChange[] = [];
  for (const [actor, fs] of byActor) {
    const newOnes = fs.filter((f) => !storedIds.has(f.id));
    if (newOnes.length)
      activeChanges.push(...placeInTimeline(entriesByActor.get(actor) ?? [], newOnes, gapMs));
  }

  const streams = new Map<string, { stream: SessionStream; facts: Fact[] }>();
  const addTo = (stream: SessionStream, f: Fact) => {
    const k = streamKey(stream);
    const s = streams.get(k);
    if (s) s.facts.push(f);
    else streams.set(k, { stream, facts: [f] });
  };
  for (const f of fresh) {
    if (!f.learning) continue;
    const actor = f.event.actor;
    addTo({ actor, kind: 'learning', courseId: '', lessonId: '' }, f);
    if (isVideoOnLesson(f.event))
      addTo({ actor, kind: 'video', courseId: f.event.courseId ?? '', lessonId: f.event.lessonId ?? '' }, f);
  }
  const sessionWindows = [...streams.values()].map((s) => sessionWindow(s.stream, s.facts, gapMs));
  const storedSessions = groupBy(sessionWindows.length ? await tx.sessions(sessionWindows) : [], streamKey);
  const removed: SessionKey[] = [];
  const upserted: Session[] = [];
  for (const [k, s] of streams) {
    const merged = mergeSessions(s.stream, storedSessions.get(k) ?? [], s.facts, gapMs);
    removed.push(...merged.removed);
    upserted.push(...merged.upserted);
  }

  const { inserted } = await tx.write({ facts: fresh, activeChanges, sessions: { removed, upserted } });
  return { inserted, activeChanges: activeChanges.length };
}

export function createProcessor(opts: ProcessorOptions) {
  const { store } = opts;
  const gapMs = opts.sessionGapMs ?? SESSION_GAP_MS;
  const now = opts.now ?? Date.now;
  const stats = statsRecorder();

  /** Process one batch (what a stream subscription calls). Resolves once it is committed; throws to be redelivered. */
  async function handleBatch(events: readonly LearningEvent[]): Promise<BatchReport> {
    const started = performance.now();
    const seen = new Set<string>();
    let facts: Fact[] = [];
    for (const e of events) {
      const f = toFact(e);
      if (seen.has(f.id)) continue;
      seen.add(f.id);
      facts.push(f);
    }
    if (opts.skip && facts.length) {
      const voided = await opts.skip(facts.map((f) => f.id));
      if (voided.size) facts = facts.filter((f) => !voided.has(f.id));
    }
    const excluded = new Set<string>();
    let result = { inserted: [] as string[], activeChanges: 0 };
    for (let attempt = 1; facts.length; attempt += 1) {
      const batch = excluded.size ? facts.filter((f) => !excluded.has(f.id)) : facts;
      const actors = [...new Set(batch.filter((f) => f.learning).map((f) => f.event.actor))];
      try {
        result = await store.ingest(actors, (tx) => deriveAndWrite(tx, batch, gapMs));
        break;
      } catch (err) {
        if (err instanceof StaleTimelineError && attempt < MAX_ATTEMPTS) {
          for (const id of err.ids) excluded.add(id);
          continue;
        }
        stats.failed();
        throw err;
      }
    }
    const committedAt = now();
    const inserted = new Set(result.inserted);
    const report: BatchReport = {
      received: events.length,
      inserted: inserted.size,
      duplicates: events.length - inserted.size,
      activeChanges: result.activeChanges,
      durationMs: performance.now() - started,
      committedAt,
      latenciesMs: facts
        .filter((f) => inserted.has(f.id))
        .map((f) => committedAt - Date.parse(f.event.stored)),
    };
    stats.record(report);
    opts.onBatch?.(report);
    return report;
  }

  return {
    handleBatch,
    /** Totals so far and recent arrival-to-visible latency quantiles. */
    stats: stats.snapshot,
  };
}
export type Processor = ReturnType<typeof createProcessor>;
