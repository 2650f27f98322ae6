import type { ButtonHTMLAttributes } from 'react';
import { Spinner } from './Spinner.tsx';
import { useT } from '../i18n/use-t.ts';

interface Props extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: 'primary' | 'secondary' | 'ghost';
  busy?: boolean;
  busyLabel?: string;
}

export function Button({
  variant = 'secondary',
  busy = false,
  busyLabel,
  children,
  className,
  disabled,
  type = 'button',
  ...rest
}: Props) {
  const t = useT();
  return (
    <button
      {...rest}
      type={type}
      className={['button', `button--${variant}`, className].filter(Boolean).join(' ')}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
    >
      {busy ? <Spinner inline label={busyLabel ?? t('common.working')} /> : null}
      <span>{busy && busyLabel ? busyLabel : children}</span>
    </button>
  );
}
