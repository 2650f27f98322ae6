import { ChartFrame, type Datum } from './Frame.tsx';
import { useUiIntl } from '../i18n/use-ui-intl.ts';
import { formatValue, type ValueFormat } from './format.ts';
import { niceMax } from './scale.ts';

/** Horizontal bars, one row per item, longest first unless `keepOrder`: completion per course, hardest questions. */
export function BarList(p: {
  title: string;
  subtitle?: string;
  data: readonly Datum[];
  format?: ValueFormat;
  /** The value of a full bar (1 for percentages); default a nice maximum of the data. */
  max?: number;
  keepOrder?: boolean;
  limit?: number;
  tone?: 'accent' | 'warn';
}) {
  const { locale } = useUiIntl();
  const rows = (p.keepOrder ? [...p.data] : [...p.data].sort((a, b) => b.value - a.value)).slice(
    0,
    p.limit ?? 10,
  );
  const max = p.max ?? niceMax(Math.max(0, ...rows.map((d) => d.value)));
  const rowH = 28;
  return (
    <ChartFrame title={p.title} subtitle={p.subtitle} data={rows} format={p.format}>
      <svg
        className={`lx-bars lx-tone-${p.tone ?? 'accent'}`}
        viewBox={`0 0 600 ${rows.length * rowH}`}
        width="100%"
        role="presentation"
      >
        {rows.map((d, i) => {
          const w = Math.max(0, Math.min(1, d.value / max)) * 360;
          const y = i * rowH;
          return (
            <g key={`${d.label}-${i}`} transform={`translate(0 ${y})`}>
              <title>{`${d.label}: ${formatValue(d.value, p.format, locale)}${d.detail ? ` (${d.detail})` : ''}`}</title>
              <text className="lx-label" x={0} y={rowH / 2 + 5}>
                {d.label.length > 28 ? `${d.label.slice(0, 27)}…` : d.label}
              </text>
              <rect className="lx-track" x={190} y={5} width={360} height={rowH - 10} rx={3} />
              <rect
                className="lx-bar"
                data-value={d.value}
                x={190}
                y={5}
                width={w}
                height={rowH - 10}
                rx={3}
              />
              <text className="lx-value" x={556} y={rowH / 2 + 5}>
                {formatValue(d.value, p.format, locale)}
              </text>
            </g>
          );
        })}
      </svg>
    </ChartFrame>
  );
}
