/** Stars for a rating average, with the numbers in text (the stars are decoration). */
export function Rating({ average, count }: { average: number; count: number }) {
  if (count === 0) return <span className="rating rating--none">No ratings yet</span>;
  const full = Math.round(average);
  return (
    <span className="rating">
      <span className="rating__stars" aria-hidden="true">
        {'★'.repeat(full)}
        <span className="rating__empty">{'★'.repeat(5 - full)}</span>
      </span>
      <span className="rating__text">
        {average.toFixed(1)}{' '}
        <span className="muted">
          ({count} {count === 1 ? 'rating' : 'ratings'})
        </span>
      </span>
    </span>
  );
}
