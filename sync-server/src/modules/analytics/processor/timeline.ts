import type { ActiveChange, Fact, TimelineEntry, TimelineWindow } from '../store/port.ts';
import { activeGap, compareInstants } from './facts.ts';

/**
 * Active learning time lives on the facts: each event contributes the gap to the same learner's next event, when
 * that gap is at most the session gap. So the learner's total is the sum over their sessions of (end − start), and
 * the time lands on the course, lesson and day of the event it follows.
 *
 * New events (late ones included) only change the contributions of their immediate neighbours: placing a run of new
 * events between stored events P and S replaces P's gap to S by P→new…→S. So the processor reads, per actor, the
 * stored event just before its new events, the stored ones among them and the one just after (a TimelineWindow), and
 * recomputes the contributions of that stretch.
 */

/** The window of stored timeline to read for one actor's new facts (sorted or not). */
export function timelineWindow(actor: string, facts: readonly Fact[]): TimelineWindow {
  let first = facts[0]!;
  let last = facts[0]!;
  for (const f of facts) {
    if (compareInstants(f, first) < 0) first = f;
    if (compareInstants(f, last) > 0) last = f;
  }
  return { actor, first: { at: first.at, id: first.id }, last: { at: last.at, id: last.id } };
}

type Item = { kind: 'fresh'; fact: Fact } | { kind: 'stored'; entry: TimelineEntry };
const instantOf = (i: Item) => (i.kind === 'fresh' ? i.fact : i.entry);

/**
 * Place one actor's new facts among the stored entries of its window. Sets `activeMs` on the new facts and answers
 * the stored entries whose contribution changes. `stored` must hold the whole window (the entry before, those inside,
 * the entry after); `fresh` must not repeat any of them.
 */
export function placeInTimeline(
  stored: readonly TimelineEntry[],
  fresh: readonly Fact[],
  sessionGapMs: number,
): ActiveChange[] {
  const items: Item[] = [
    ...stored.map((entry): Item => ({ kind: 'stored', entry })),
    ...fresh.map((fact): Item => ({ kind: 'fresh', fact })),
  ].sort((a, b) => compareInstants(instantOf(a), instantOf(b)));
  const changes: ActiveChange[] = [];
  for (let i = 0; i < items.length; i += 1) {
    const item = items[i]!;
    const next = items[i + 1];
    if (item.kind === 'fresh') {
      item.fact.activeMs = next ? activeGap(instantOf(next).at - item.fact.at, sessionGapMs) : 0;
      continue;
    }
    // The last stored entry of the window keeps its contribution: what follows it lies outside the window.
    if (!next) continue;
    const activeMs = activeGap(instantOf(next).at - item.entry.at, sessionGapMs);
    if (activeMs !== item.entry.activeMs) changes.push({ entry: item.entry, activeMs });
  }
  return changes;
}
