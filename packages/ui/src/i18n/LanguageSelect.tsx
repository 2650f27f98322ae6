import type { SelectHTMLAttributes } from 'react';
import { LOCALE_NAMES, matchLocale, SUPPORTED_LOCALES, SYSTEM, systemLocales } from './locales.ts';

interface Props extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange'> {
  /** SYSTEM ("same as this device/browser") or one of SUPPORTED_LOCALES. */
  value: string;
  onChange: (choice: string) => void;
  /** The first option's text, given the name of the language the system would pick ("Same as this device (English)"). */
  systemLabel: (name: string) => string;
}

/** A language picker's select: "the system's" first, then every translated language named in its own language. */
export function LanguageSelect({ value, onChange, systemLabel, ...rest }: Props) {
  return (
    <select {...rest} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value={SYSTEM}>{systemLabel(LOCALE_NAMES[matchLocale(systemLocales())])}</option>
      {SUPPORTED_LOCALES.map((l) => (
        <option key={l} value={l} lang={l}>
          {LOCALE_NAMES[l]}
        </option>
      ))}
    </select>
  );
}
