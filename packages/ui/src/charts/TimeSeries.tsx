import { ChartFrame } from './Frame.tsx';
import { useUiIntl } from '../i18n/use-ui-intl.ts';
import { formatValue, type ValueFormat } from './format.ts';
import { areaPath, linear, linePath, niceMax, ticks } from './scale.ts';

export interface SeriesPoint {
  /** ISO time or epoch ms. */
  t: string | number;
  value: number;
}

const ms = (t: string | number) => (typeof t === 'number' ? t : Date.parse(t));

/** A line with its area over time (events per second, daily active learners). */
export function TimeSeries(p: {
  title: string;
  subtitle?: string;
  points: readonly SeriesPoint[];
  format?: ValueFormat;
  /** How a point's time is labelled (default: date, or time of day when the range is under 2 days). */
  timeLabel?: (t: number) => string;
}) {
  const intl = useUiIntl();
  const W = 600;
  const H = 200;
  const left = 44;
  const bottom = 28;
  const pts = [...p.points].map((d) => ({ t: ms(d.t), v: d.value })).sort((a, b) => a.t - b.t);
  const t0 = pts[0]?.t ?? 0;
  const t1 = pts[pts.length - 1]?.t ?? 1;
  const short = t1 - t0 < 2 * 86_400_000;
  const label =
    p.timeLabel ??
    ((t: number) =>
      // Times of day in the app's time zone; whole days are UTC days (as the figures count them).
      short
        ? intl.formatTime(t, { hour: '2-digit', minute: '2-digit' })
        : intl.formatDate(t, { month: 'short', day: 'numeric', timeZone: 'UTC' }));
  const max = niceMax(Math.max(0, ...pts.map((d) => d.v)));
  const x = linear(t0, t1, left, W - 4);
  const y = linear(0, max, H - bottom, 6);
  const xy = pts.map((d) => ({ x: x(d.t), y: y(d.v) }));
  const data = pts.map((d) => ({ label: label(d.t), value: d.v }));
  const xTicks = pts.length > 1 ? [t0, (t0 + t1) / 2, t1] : [t0];
  return (
    <ChartFrame title={p.title} subtitle={p.subtitle} data={data} format={p.format}>
      <svg className="lx-series" viewBox={`0 0 ${W} ${H}`} width="100%">
        {ticks(max, 4, p.format === undefined || p.format === 'count').map((t) => (
          <g key={t}>
            <line className="lx-grid" x1={left} x2={W} y1={y(t)} y2={y(t)} />
            <text className="lx-axis" x={left - 6} y={y(t) + 4} textAnchor="end">
              {formatValue(t, p.format === 'percent' ? 'percent' : 'count', intl.locale)}
            </text>
          </g>
        ))}
        {xTicks.map((t, i) => (
          <text
            key={t}
            className="lx-axis"
            x={x(t)}
            y={H - 8}
            textAnchor={i === 0 ? 'start' : i === xTicks.length - 1 ? 'end' : 'middle'}
          >
            {label(t)}
          </text>
        ))}
        <path className="lx-area" d={areaPath(xy, y(0))} />
        <path className="lx-line" d={linePath(xy)} />
        {xy.length === 1 ? <circle className="lx-dot" cx={xy[0]!.x} cy={xy[0]!.y} r={4} /> : null}
      </svg>
    </ChartFrame>
  );
}
