import { useFormat } from '../../lib/format.ts';

/** A labelled progress bar (a native <progress>, so assistive tech reads its value). */
export function ProgressBar({ value, label, max = 100 }: { value: number; label: string; max?: number }) {
  const f = useFormat();
  const ratio = max > 0 ? Math.round((100 * value) / max) / 100 : 0;
  return (
    <div className="progress">
      <progress className="progress__bar" value={value} max={max} aria-label={label} />
      <span className="progress__text">
        {f.percent(ratio)} · {label}
      </span>
    </div>
  );
}
