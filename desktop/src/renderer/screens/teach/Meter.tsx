import { useFormat } from '../../lib/format.ts';

/** A labelled progress bar with its percent in words (role=progressbar, so assistive tech reads the value). */
export function Meter({ label, value, testId }: { label: string; value: number; testId?: string }) {
  const f = useFormat();
  const pct = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div className="teach-meter">
      <div className="teach-meter__label">
        <span>{label}</span>
        <span className="teach-meter__value">{f.percent(pct / 100)}</span>
      </div>
      <div
        className="teach-meter__track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        data-testid={testId}
      >
        <div className="teach-meter__fill" style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
