import { useId } from 'react';
import { useT } from '../i18n/use-t.ts';

export interface Bucket {
  value: string;
  count: number;
}

interface Props {
  legend: string;
  buckets: Bucket[];
  selected: string | undefined;
  onChange: (value: string | undefined) => void;
  labelOf?: (value: string) => string;
}

/**
 * One filter as a radio group (arrow keys move within it, Tab moves on): "Any" plus each value with its count.
 * Values with no matches stay visible but disabled, so the list does not jump around.
 */
export function FacetGroup({ legend, buckets, selected, onChange, labelOf = (v) => v }: Props) {
  const t = useT();
  const name = useId();
  const total = buckets.reduce((n, b) => n + b.count, 0);
  return (
    <fieldset className="facet">
      <legend className="facet__legend">{legend}</legend>
      <label className="facet__option">
        <input
          type="radio"
          name={name}
          checked={selected === undefined}
          onChange={() => onChange(undefined)}
        />
        <span className="facet__label">{t('facet.any')}</span>
        <span className="facet__count">{total}</span>
      </label>
      {buckets.map((b) => (
        <label
          key={b.value}
          className={
            b.count === 0 && selected !== b.value ? 'facet__option facet__option--empty' : 'facet__option'
          }
        >
          <input
            type="radio"
            name={name}
            value={b.value}
            checked={selected === b.value}
            disabled={b.count === 0 && selected !== b.value}
            onChange={() => onChange(b.value)}
          />
          <span className="facet__label">{labelOf(b.value)}</span>
          <span className="facet__count">
            {b.count}
            <span className="visually-hidden"> {t('facet.coursesWord', { count: b.count })}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}
