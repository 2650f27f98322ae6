import { useId } from 'react';
import type { MessageKey } from '../i18n/catalogues.ts';
import { useT } from '../i18n/use-t.ts';

const word = (n: number) => `stars.word.${n}` as MessageKey;

/**
 * 1–5 stars as a radio group: arrow keys move between stars, each star has a spoken label ("4 stars, Very good").
 * The stars up to the chosen (or hovered) one are filled.
 */
export function StarInput({
  value,
  onChange,
  disabled = false,
  legend,
}: {
  value: number | null;
  onChange: (stars: number) => void;
  disabled?: boolean;
  legend?: string;
}) {
  const t = useT();
  const name = useId();
  return (
    <fieldset className="star-input" disabled={disabled}>
      <legend className="star-input__legend">{legend ?? t('stars.legend')}</legend>
      <div className="star-input__stars">
        {[1, 2, 3, 4, 5].map((n) => (
          <label key={n} className={`star-input__star${value !== null && n <= value ? ' is-on' : ''}`}>
            <input
              type="radio"
              name={name}
              value={n}
              checked={value === n}
              onChange={() => onChange(n)}
              aria-label={t('stars.option', { count: n, word: t(word(n)) })}
              data-testid={`star-${n}`}
            />
            <span aria-hidden="true">★</span>
          </label>
        ))}
        <span className="star-input__word muted" aria-hidden="true">
          {value ? t(word(value)) : t('stars.choose')}
        </span>
      </div>
    </fieldset>
  );
}
