/** Number formats shared by the charts and their data tables. */
export type ValueFormat = 'count' | 'percent' | 'seconds' | 'decimal' | 'rate';

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });

export function formatValue(v: number, f: ValueFormat = 'count'): string {
  if (!Number.isFinite(v)) return '—';
  switch (f) {
    case 'percent':
      return `${Math.round(v * 1000) / 10}%`;
    case 'seconds':
      return formatDuration(v);
    case 'decimal':
      return (Math.round(v * 100) / 100).toString();
    case 'rate':
      return `${v >= 100 ? whole.format(v) : Math.round(v * 10) / 10}/s`;
    default:
      return Math.abs(v) >= 10_000 ? compact.format(v) : whole.format(v);
  }
}

/** 3725 → "1 h 2 min", 95 → "1 min 35 s", 12 → "12 s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  return `${s} s`;
}
