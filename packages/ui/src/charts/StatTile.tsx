import { useUiIntl } from '../i18n/use-ui-intl.ts';
import { formatValue, type ValueFormat } from './format.ts';

/** One headline figure ("Active learners now: 12"), announced politely when it changes. */
export function StatTile(p: { label: string; value: number | null; format?: ValueFormat; hint?: string }) {
  const { locale } = useUiIntl();
  return (
    <div className="lx-stat" role="group" aria-label={p.label}>
      <span className="lx-stat-label">{p.label}</span>
      <span className="lx-stat-value" aria-live="polite" data-value={p.value ?? ''}>
        {p.value === null ? '—' : formatValue(p.value, p.format, locale)}
      </span>
      {p.hint ? <span className="lx-stat-hint">{p.hint}</span> : null}
    </div>
  );
}
