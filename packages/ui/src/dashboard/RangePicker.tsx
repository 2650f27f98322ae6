import { useState } from 'react';
import { useUiText } from '../i18n/use-ui-intl.ts';
import { PRESETS, type Preset, type RangeChoice } from './range.ts';

const day = (offsetDays = 0) => new Date(Date.now() - offsetDays * 86_400_000).toISOString().slice(0, 10);

/** Class names, so each app styles the picker its own way. */
export interface RangePickerClasses {
  fieldset?: string;
  field?: string;
  label?: string;
  input?: string;
}

/** Presets (last hour … last year) or custom dates: a native select and date inputs, so the keyboard just works. */
export function RangePicker(p: {
  value: RangeChoice;
  onChange: (r: RangeChoice) => void;
  classes?: RangePickerClasses;
}) {
  const t = useUiText();
  const c = p.classes ?? {};
  const [from, setFrom] = useState(() => day(6));
  const [to, setTo] = useState(() => day());
  const custom = p.value.kind === 'custom';
  const dateField = (
    label: 'From' | 'To',
    value: string,
    set: (v: string) => void,
    ok: (v: string) => boolean,
  ) => (
    <label className={c.field}>
      <span className={c.label}>{t(label === 'From' ? 'ui.range.from' : 'ui.range.to')}</span>
      <input
        className={c.input}
        type="date"
        value={value}
        {...(label === 'From' ? { max: to } : { min: from })}
        onChange={(e) => {
          set(e.target.value);
          if (e.target.value && ok(e.target.value))
            p.onChange(
              label === 'From'
                ? { kind: 'custom', from: e.target.value, to }
                : { kind: 'custom', from, to: e.target.value },
            );
        }}
      />
    </label>
  );
  return (
    <fieldset className={c.fieldset}>
      <legend className="lx-visually-hidden">{t('ui.range.label')}</legend>
      <label className={c.field}>
        <span className={c.label}>{t('ui.range.label')}</span>
        <select
          className={c.input}
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
              {t(o.message)}
            </option>
          ))}
          <option value="custom">{t('ui.range.custom')}</option>
        </select>
      </label>
      {custom ? (
        <>
          {dateField('From', from, setFrom, (v) => v <= to)}
          {dateField('To', to, setTo, (v) => v >= from)}
        </>
      ) : null}
    </fieldset>
  );
}
