/** Number formats shared by the charts and their data tables. */
export type ValueFormat = 'count' | 'percent' | 'seconds' | 'decimal' | 'rate';

const formats = new Map<string, Intl.NumberFormat>();
/** One cached Intl.NumberFormat per language and style. */
function numberFormat(locale: string, style: 'compact' | 'whole' | 'tenths' | 'hundredths' | 'percent') {
  const key = `${locale}|${style}`;
  let nf = formats.get(key);
  if (!nf) {
    nf = new Intl.NumberFormat(
      locale,
      style === 'compact'
        ? { notation: 'compact', maximumFractionDigits: 1 }
        : style === 'percent'
          ? { style: 'percent', maximumFractionDigits: 1 }
          : { maximumFractionDigits: style === 'whole' ? 0 : style === 'tenths' ? 1 : 2 },
    );
    formats.set(key, nf);
  }
  return nf;
}

/** A chart value as the language writes it (`locale`: the app's language, English by default). */
export function formatValue(v: number, f: ValueFormat = 'count', locale = 'en'): string {
  if (!Number.isFinite(v)) return '—';
  switch (f) {
    case 'percent':
      return numberFormat(locale, 'percent').format(v);
    case 'seconds':
      return formatDuration(v);
    case 'decimal':
      return numberFormat(locale, 'hundredths').format(v);
    case 'rate':
      return `${numberFormat(locale, v >= 100 ? 'whole' : 'tenths').format(v)}/s`;
    default:
      return numberFormat(locale, Math.abs(v) >= 10_000 ? 'compact' : 'whole').format(v);
  }
}

/** 3725 → "1 h 2 min", 95 → "1 min 35 s", 12 → "12 s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  return `${s} s`;
}
