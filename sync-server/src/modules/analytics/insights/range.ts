import type { InsightRange } from '@lyceum/contracts';

const DAY_MS = 86_400_000;

/** The UTC day (YYYY-MM-DD) of an instant. */
export const dayOf = (ms: number): string =>
  new Date(ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS)).toISOString().slice(0, 10);

/**
 * The UTC days a range overlaps, as [fromDay, toDay): fromDay = the day of `from`; toDay = the day after the one
 * holding the last instant before `to` (so a range ending at midnight does not take in the next day).
 */
export function dayBounds(range: Pick<InsightRange, 'from' | 'to'>): { fromDay: string; toDay: string } {
  const from = Date.parse(range.from);
  const to = Date.parse(range.to);
  return { fromDay: dayOf(from), toDay: dayOf(Math.max(from, to - 1) + DAY_MS) };
}

/** Every day in [fromDay, toDay). */
export function daysBetween(fromDay: string, toDay: string): string[] {
  const out: string[] = [];
  for (
    let d = Date.parse(`${fromDay}T00:00:00Z`), end = Date.parse(`${toDay}T00:00:00Z`);
    d < end;
    d += DAY_MS
  )
    out.push(dayOf(d));
  return out;
}

/** ISO string of a timestamp from the database (null stays null). */
export const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
