import { useState } from 'react';
import { PRESETS, type Preset, type RangeChoice } from './range.ts';

const today = () => new Date().toISOString().slice(0, 10);

/** Presets (last hour … last year) or custom dates, keyboard operable, with the choice announced by its labels. */
export function RangePicker(p: { value: RangeChoice; onChange: (r: RangeChoice) => void }) {
  const [from, setFrom] = useState(() => new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10));
  const [to, setTo] = useState(today);
  const custom = p.value.kind === 'custom';
  return (
    <fieldset className="range">
      <legend>Time range</legend>
      <select
        aria-label="Time range"
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
      {custom ? (
        <>
          <label>
            From
            <input
              type="date"
              value={from}
              max={to}
              onChange={(e) => {
                setFrom(e.target.value);
                if (e.target.value) p.onChange({ kind: 'custom', from: e.target.value, to });
              }}
            />
          </label>
          <label>
            To
            <input
              type="date"
              value={to}
              min={from}
              onChange={(e) => {
                setTo(e.target.value);
                if (e.target.value) p.onChange({ kind: 'custom', from, to: e.target.value });
              }}
            />
          </label>
        </>
      ) : null}
    </fieldset>
  );
}
