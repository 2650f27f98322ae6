import { useT } from '../i18n/use-t.ts';
import { useFormat } from '../lib/format.ts';

/**
 * 0–5 filled stars of five. Decoration by default (the text beside them says the number); with `spoken`, one image
 * read out as "4 out of 5 stars".
 */
export function Stars({ stars, spoken = false }: { stars: number; spoken?: boolean }) {
  const t = useT();
  const a11y = spoken
    ? { role: 'img', 'aria-label': t('rating.starsSpoken', { stars }) }
    : { 'aria-hidden': true as const };
  return (
    <span className="rating__stars" {...a11y}>
      {'★'.repeat(stars)}
      <span className="rating__empty">{'★'.repeat(5 - stars)}</span>
    </span>
  );
}

/** Stars for a rating average, with the numbers in text (the stars are decoration). */
export function Rating({ average, count }: { average: number; count: number }) {
  const t = useT();
  const f = useFormat();
  if (count === 0) return <span className="rating rating--none">{t('rating.none')}</span>;
  return (
    <span className="rating">
      <Stars stars={Math.round(average)} />
      <span className="rating__text">
        {f.number(average, { minimumFractionDigits: 1, maximumFractionDigits: 1 })}{' '}
        <span className="muted">{t('rating.count', { count })}</span>
      </span>
    </span>
  );
}
