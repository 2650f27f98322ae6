import { useId } from 'react';

const WORDS = ['Poor', 'Fair', 'Good', 'Very good', 'Excellent'];

/**
 * 1–5 stars as a radio group: arrow keys move between stars, each star has a spoken label ("4 stars, Very good").
 * The stars up to the chosen (or hovered) one are filled.
 */
export function StarInput({
  value,
  onChange,
  disabled = false,
  legend = 'Your rating',
}: {
  value: number | null;
  onChange: (stars: number) => void;
  disabled?: boolean;
  legend?: string;
}) {
  const name = useId();
  return (
    <fieldset className="star-input" disabled={disabled}>
      <legend className="star-input__legend">{legend}</legend>
      <div className="star-input__stars">
        {[1, 2, 3, 4, 5].map((n) => (
          <label key={n} className={`star-input__star${value !== null && n <= value ? ' is-on' : ''}`}>
            <input
              type="radio"
              name={name}
              value={n}
              checked={value === n}
              onChange={() => onChange(n)}
              aria-label={`${n} ${n === 1 ? 'star' : 'stars'}, ${WORDS[n - 1]}`}
              data-testid={`star-${n}`}
            />
            <span aria-hidden="true">★</span>
          </label>
        ))}
        <span className="star-input__word muted" aria-hidden="true">
          {value ? WORDS[value - 1] : 'Choose 1 to 5 stars'}
        </span>
      </div>
    </fieldset>
  );
}
