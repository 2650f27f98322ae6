import { useT } from '../i18n/use-t.ts';

/** An accessible busy indicator: the label is read out, the ring is decoration. */
export function Spinner({ label, inline = false }: { label?: string; inline?: boolean }) {
  const t = useT();
  label ??= t('common.loading');
  return (
    <span className={inline ? 'spinner spinner--inline' : 'spinner'} role="status">
      <span className="spinner__ring" aria-hidden="true" />
      <span className={inline ? 'visually-hidden' : 'spinner__label'}>{label}</span>
    </span>
  );
}
