import { useMemo } from 'react';
import { useIntl, type FormatNumberOptions, type IntlShape } from 'react-intl';
import type { CourseSummary } from '@lyceum/contracts';

/** The named values shown as words ("beginner" → "Beginner"): a message `label.<group>.<value>` each. */
export type LabelGroup = 'type' | 'level' | 'price' | 'kind' | 'sort';
type Instant = string | number | Date;

/**
 * Every date, time, number and price the renderer shows, in the student's language and time zone (both come
 * from the react-intl provider, which follows the preferences). Use it through `useFormat()`.
 */
export function formatter(intl: IntlShape) {
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const at = (v: Instant) => (typeof v === 'string' ? Date.parse(v) : v);
  const f = {
    locale: intl.locale,
    timeZone: intl.timeZone ?? 'UTC',
    number: (n: number, o?: FormatNumberOptions) => intl.formatNumber(n, o),
    /** 0.42 → "42 %" as the language writes it (up to `digits` decimals: 0.6667 → "66.67 %" with 2). */
    percent: (ratio: number, digits = 0) =>
      intl.formatNumber(ratio, { style: 'percent', maximumFractionDigits: digits }),
    price: (price: CourseSummary['price']) =>
      price
        ? intl.formatNumber(price.amountCents / 100, { style: 'currency', currency: price.currency })
        : t('format.price.free'),
    /** Minutes as "45 min", "1 h 20 min". */
    minutes: (minutes: number) => {
      if (minutes < 60) return t('format.duration.minutes', { m: minutes });
      const h = Math.floor(minutes / 60);
      const m = minutes % 60;
      return m ? t('format.duration.hoursMinutes', { h, m }) : t('format.duration.hours', { h });
    },
    /** "Mar 2, 2026" in the chosen zone. */
    date: (v: Instant) => intl.formatDate(at(v), { dateStyle: 'medium' }),
    /** "Mar 2, 2026, 14:05" in the chosen zone. */
    dateTime: (v: Instant) => intl.formatDate(at(v), { dateStyle: 'medium', timeStyle: 'short' }),
    /** "14:05" (with seconds when asked) in the chosen zone. */
    time: (v: Instant, seconds = false) =>
      intl.formatTime(at(v), { timeStyle: seconds ? 'medium' : 'short' }),
    /** "just now", "5 minutes ago", "yesterday", or the date. */
    ago: (iso: string | null, now = Date.now()) => {
      if (!iso) return t('format.ago.never');
      const s = Math.round((now - Date.parse(iso)) / 1000);
      if (s < 45) return t('format.ago.justNow');
      const rel = (v: number, unit: 'minute' | 'hour' | 'day') =>
        intl.formatRelativeTime(v, unit, { numeric: 'auto' });
      if (s < 3600) return rel(-Math.round(s / 60), 'minute');
      if (s < 86_400) return rel(-Math.round(s / 3600), 'hour');
      if (s < 7 * 86_400) return rel(-Math.round(s / 86_400), 'day');
      return f.date(iso);
    },
    /** Language tag → its name in the interface's language ("fr" → "French"), the tag itself when unknown. */
    languageName: (tag: string) => {
      try {
        return intl.formatDisplayName(tag, { type: 'language' }) ?? tag;
      } catch {
        return tag;
      }
    },
    /** A size in bytes as the language writes it ("12.4 MB", "12,4 Mo"). */
    bytes: (n: number) => {
      const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
      const i = n >= 1024 ? Math.min(units.length - 1, Math.floor(Math.log(n) / Math.log(1024))) : 0;
      if (i === 0) return t('format.bytes', { count: Math.max(0, Math.round(n)) });
      const v = n / 1024 ** i;
      return intl.formatNumber(v, {
        style: 'unit',
        unit: units[i],
        unitDisplay: 'short',
        maximumFractionDigits: v >= 10 ? 0 : 1,
      });
    },
    /** The time now (or at `v`) in another zone than the chosen one, e.g. to preview a time-zone choice. */
    timeIn: (zone: string, v: Instant = Date.now()) =>
      new Intl.DateTimeFormat(intl.locale, { timeStyle: 'short', timeZone: zone }).format(at(v)),
    /** A language's name in that language ("de" → "Deutsch"), for a language picker. */
    ownLanguageName: (tag: string) => {
      try {
        return new Intl.DisplayNames([tag], { type: 'language' }).of(tag) ?? tag;
      } catch {
        return tag;
      }
    },
    /** "beginner" → "Beginner" (the value itself when it has no words yet). */
    label: (group: LabelGroup, value: string) => {
      const id = `label.${group}.${value}`;
      return id in intl.messages ? t(id) : value;
    },
  };
  return f;
}
export type Format = ReturnType<typeof formatter>;

/** The formatter of the current language and time zone (re-made when either changes). */
export function useFormat(): Format {
  const intl = useIntl();
  return useMemo(() => formatter(intl), [intl]);
}
