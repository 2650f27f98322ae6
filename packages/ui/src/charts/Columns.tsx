import { ChartFrame, type Datum } from './Frame.tsx';
import { useUiIntl } from '../i18n/use-ui-intl.ts';
import { formatValue, type ValueFormat } from './format.ts';
import { niceMax, ticks } from './scale.ts';

/** Vertical columns in their given order: rating histograms, drop-off along a video, a completion funnel. */
export function Columns(p: {
  title: string;
  subtitle?: string;
  data: readonly Datum[];
  format?: ValueFormat;
  /** Funnel: each column also shows its share of the first one. */
  funnel?: boolean;
  tone?: 'accent' | 'warn';
}) {
  const { locale } = useUiIntl();
  const W = 600;
  const H = 220;
  const left = 44;
  const bottom = 36;
  const max = niceMax(Math.max(0, ...p.data.map((d) => d.value)));
  const slot = (W - left) / Math.max(1, p.data.length);
  const bw = Math.min(64, slot * 0.7);
  const y = (v: number) => (H - bottom) * (1 - v / max) + 4;
  const first = p.data[0]?.value ?? 0;
  return (
    <ChartFrame title={p.title} subtitle={p.subtitle} data={p.data} format={p.format}>
      <svg className={`lx-columns lx-tone-${p.tone ?? 'accent'}`} viewBox={`0 0 ${W} ${H}`} width="100%">
        {ticks(max, 4, p.format === undefined || p.format === 'count').map((t) => (
          <g key={t}>
            <line className="lx-grid" x1={left} x2={W} y1={y(t)} y2={y(t)} />
            <text className="lx-axis" x={left - 6} y={y(t) + 4} textAnchor="end">
              {formatValue(t, p.format === 'percent' ? 'percent' : 'count', locale)}
            </text>
          </g>
        ))}
        {p.data.map((d, i) => {
          const x = left + i * slot + (slot - bw) / 2;
          const share = p.funnel && first > 0 ? formatValue(d.value / first, 'percent', locale) : '';
          return (
            <g key={`${d.label}-${i}`}>
              <title>{`${d.label}: ${formatValue(d.value, p.format, locale)}${share ? ` · ${share}` : ''}`}</title>
              <rect
                className="lx-bar"
                data-value={d.value}
                x={x}
                y={y(d.value)}
                width={bw}
                height={Math.max(0, y(0) - y(d.value))}
                rx={3}
              />
              <text className="lx-axis" x={x + bw / 2} y={H - bottom + 16} textAnchor="middle">
                {d.label.length > 12 ? `${d.label.slice(0, 11)}…` : d.label}
              </text>
              {p.funnel && i > 0 ? (
                <text className="lx-value" x={x + bw / 2} y={y(d.value) - 6} textAnchor="middle">
                  {share}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
    </ChartFrame>
  );
}
