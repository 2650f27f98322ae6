import { useState } from 'react';
import type { CourseInsightsQuery } from '../../../core/analytics/schemas.ts';

export type Preset = NonNullable<CourseInsightsQuery['last']>;
export const PRESETS: { value: Preset; label: string }[] = [
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: '365d', label: 'Last year' },
];

export type RangeChoice = { kind: 'preset'; last: Preset } | { kind: 'custom'; from: string; to: string };

/** A range choice as the insights query (custom dates are whole local days, `to` included). */
export function toQuery(r: RangeChoice): CourseInsightsQuery {
  if (r.kind === 'preset') return { last: r.last };
  const from = new Date(`${r.from}T00:00:00`);
  const to = new Date(`${r.to}T00:00:00`);
  to.setDate(to.getDate() + 1);
  return { from: from.toISOString(), to: to.toISOString() };
}

/** The words for a range ("the last 7 days", "2 to 9 March"). */
export function describeRange(r: RangeChoice): string {
  if (r.kind === 'preset') return (PRESETS.find((p) => p.value === r.last)?.label ?? r.last).toLowerCase();
  return `${r.from} to ${r.to}`;
}

const day = (offsetDays = 0) => new Date(Date.now() - offsetDays * 86_400_000).toISOString().slice(0, 10);

/** Presets (last hour … last year) or custom dates; a native select and date inputs, so the keyboard just works. */
export function InsightsRange(p: { value: RangeChoice; onChange: (r: RangeChoice) => void }) {
  const [from, setFrom] = useState(() => day(6));
  const [to, setTo] = useState(() => day());
  const custom = p.value.kind === 'custom';
  return (
    <fieldset className="insights-range">
      <legend className="visually-hidden">Time range</legend>
      <label className="insights-range__field">
        <span className="field__label">Time range</span>
        <select
          className="field__input"
          value={custom ? 'custom' : p.value.kind === 'preset' ? p.value.last : '7d'}
          onChange={(e) =>
            p.onChange(
              e.target.value === 'custom'
                ? { kind: 'custom', from, to }
                : { kind: 'preset', last: e.target.value as Preset },
            )
          }
        >
          {PRESETS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
          <option value="custom">Custom dates…</option>
        </select>
      </label>
      {custom ? (
        <>
          <label className="insights-range__field">
            <span className="field__label">From</span>
            <input
              className="field__input"
              type="date"
              value={from}
              max={to}
              onChange={(e) => {
                setFrom(e.target.value);
                if (e.target.value && e.target.value <= to)
                  p.onChange({ kind: 'custom', from: e.target.value, to });
              }}
            />
          </label>
          <label className="insights-range__field">
            <span className="field__label">To</span>
            <input
              className="field__input"
              type="date"
              value={to}
              min={from}
              onChange={(e) => {
                setTo(e.target.value);
                if (e.target.value && e.target.value >= from)
                  p.onChange({ kind: 'custom', from, to: e.target.value });
              }}
            />
          </label>
        </>
      ) : null}
    </fieldset>
  );
}
