import type { Fact, Session, SessionKey, SessionKind, SessionWindow } from '../store/port.ts';
import { compareInstants } from './facts.ts';

/**
 * Sessions as intervals. Stored sessions of one stream (an actor's learning events, or an actor's video events on
 * one lesson) are disjoint runs separated by more than the session gap. A new event at t joins every session within
 * the gap of it — t ∈ [start − gap, end + gap] — and so may extend one, bridge two into one, or start a new one; it
 * never splits one. A late event therefore lands in the session it belongs to, wherever that is in time.
 */

export interface SessionStream {
  actor: string;
  kind: SessionKind;
  courseId: string;
  lessonId: string;
}

export const streamKey = (s: SessionStream): string =>
  `${s.kind}\u0000${s.actor}\u0000${s.courseId}\u0000${s.lessonId}`;

/** The stored sessions new facts of a stream could touch. */
export function sessionWindow(stream: SessionStream, facts: readonly Fact[], gapMs: number): SessionWindow {
  let lo = Infinity;
  let hi = -Infinity;
  for (const f of facts) {
    lo = Math.min(lo, f.at);
    hi = Math.max(hi, f.at);
  }
  return {
    actor: stream.actor,
    kind: stream.kind,
    courseId: stream.courseId,
    lessonId: stream.lessonId,
    from: lo - gapMs,
    to: hi + gapMs,
  };
}

/** A new event as a session of its own (objects built field by field: spreads are slow on this hot path). */
function pointSession(stream: SessionStream, f: Fact): Session {
  const video = stream.kind === 'video';
  const hasPosition = video && f.position !== null;
  return {
    actor: stream.actor,
    kind: stream.kind,
    courseId: stream.courseId,
    lessonId: stream.lessonId,
    startedAt: f.at,
    endedAt: f.at,
    events: 1,
    courses: !video && f.event.courseId !== null ? [f.event.courseId] : [],
    position: hasPosition ? f.position : null,
    positionAt: hasPosition ? f.at : null,
    positionId: hasPosition ? f.id : null,
    videoLength: video ? (f.event.video?.length ?? null) : null,
  };
}

const copy = (s: Session): Session => ({
  actor: s.actor,
  kind: s.kind,
  courseId: s.courseId,
  lessonId: s.lessonId,
  startedAt: s.startedAt,
  endedAt: s.endedAt,
  events: s.events,
  courses: s.courses.slice(),
  position: s.position,
  positionAt: s.positionAt,
  positionId: s.positionId,
  videoLength: s.videoLength,
});

function absorb(into: Session, s: Session): void {
  into.startedAt = Math.min(into.startedAt, s.startedAt);
  into.endedAt = Math.max(into.endedAt, s.endedAt);
  into.events += s.events;
  for (const c of s.courses) if (!into.courses.includes(c)) into.courses.push(c);
  if (
    s.positionAt !== null &&
    s.positionId !== null &&
    (into.positionAt === null ||
      into.positionId === null ||
      compareInstants({ at: s.positionAt, id: s.positionId }, { at: into.positionAt, id: into.positionId }) >
        0)
  ) {
    into.position = s.position;
    into.positionAt = s.positionAt;
    into.positionId = s.positionId;
  }
  if (s.videoLength !== null) into.videoLength = Math.max(into.videoLength ?? 0, s.videoLength);
}

const keyOf = (s: Session): SessionKey => ({
  actor: s.actor,
  kind: s.kind,
  courseId: s.courseId,
  lessonId: s.lessonId,
  startedAt: s.startedAt,
});

/**
 * Merge new facts of one stream into its stored sessions (those of its window). Answers the sessions to write (the
 * ones that changed) and the stored ones to remove (absorbed into a session that now starts earlier).
 */
export function mergeSessions(
  stream: SessionStream,
  stored: readonly Session[],
  fresh: readonly Fact[],
  gapMs: number,
): { removed: SessionKey[]; upserted: Session[] } {
  type Part = { session: Session; stored: boolean };
  const parts: Part[] = [
    ...stored.map((s) => ({ session: s, stored: true })),
    ...fresh.map((f) => ({ session: pointSession(stream, f), stored: false })),
  ].sort((a, b) => a.session.startedAt - b.session.startedAt || a.session.endedAt - b.session.endedAt);
  const removed: SessionKey[] = [];
  const upserted: Session[] = [];
  let run: Part[] = [];
  const close = () => {
    if (!run.length || run.every((p) => p.stored)) return;
    const merged = copy(run[0]!.session);
    for (let i = 1; i < run.length; i += 1) absorb(merged, run[i]!.session);
    for (const p of run)
      if (p.stored && p.session.startedAt !== merged.startedAt) removed.push(keyOf(p.session));
    upserted.push(merged);
  };
  let end = -Infinity;
  for (const p of parts) {
    if (run.length && p.session.startedAt - end > gapMs) {
      close();
      run = [];
    }
    run.push(p);
    end = Math.max(end, p.session.endedAt);
  }
  close();
  return { removed, upserted };
}
