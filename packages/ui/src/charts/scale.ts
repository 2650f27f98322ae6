/** Pure helpers behind the charts: nice axis maxima, ticks and SVG paths. */

/** The smallest "nice" number (1, 2, 2.5, 5 × 10^n) at or above `value`; 1 for empty data. */
export function niceMax(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 1;
  const exp = Math.floor(Math.log10(value));
  const base = 10 ** exp;
  for (const m of [1, 2, 2.5, 5, 10]) if (m * base >= value - 1e-9 * base) return m * base;
  return 10 * base;
}

/**
 * About `count` + 1 evenly spaced ticks from 0 to max; with `whole`, only whole numbers (a count axis whose maximum
 * is 1 has ticks 0 and 1, not 0, 0.25, …, which would all print as 0 or 1).
 */
export function ticks(max: number, count = 4, whole = false): number[] {
  if (!whole) return Array.from({ length: count + 1 }, (_, i) => (max * i) / count);
  const step = Math.max(1, Math.ceil(max / count));
  const out: number[] = [];
  for (let v = 0; v <= max + 1e-9; v += step) out.push(v);
  return out;
}

/** Map a value of [d0, d1] onto [r0, r1]; a zero-width domain maps to the middle. */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (v) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
}

export interface Point {
  x: number;
  y: number;
}

/** An SVG polyline path ("M x y L x y …") with coordinates rounded to 0.1 px. */
export function linePath(points: readonly Point[]): string {
  return points.map((p, i) => `${i ? 'L' : 'M'}${round(p.x)} ${round(p.y)}`).join(' ');
}

/** The area under a line down to `baseY`. */
export function areaPath(points: readonly Point[], baseY: number): string {
  if (!points.length) return '';
  const first = points[0]!;
  const last = points[points.length - 1]!;
  return `${linePath(points)} L${round(last.x)} ${round(baseY)} L${round(first.x)} ${round(baseY)} Z`;
}

const round = (n: number) => Math.round(n * 10) / 10;
