/** A labelled progress bar (a native <progress>, so assistive tech reads its value). */
export function ProgressBar({ value, label, max = 100 }: { value: number; label: string; max?: number }) {
  const pct = max > 0 ? Math.round((100 * value) / max) : 0;
  return (
    <div className="progress">
      <progress className="progress__bar" value={value} max={max} aria-label={label} />
      <span className="progress__text">
        {pct}% · {label}
      </span>
    </div>
  );
}
