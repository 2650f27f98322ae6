import type { CourseSummary } from '@lyceum/contracts';

export function formatPrice(price: CourseSummary['price']): string {
  if (!price) return 'Free';
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: price.currency }).format(
    price.amountCents / 100,
  );
}

export function formatDuration(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** "just now", "5 minutes ago", "yesterday", or a date. */
export function formatAgo(iso: string | null, now = Date.now()): string {
  if (!iso) return 'never';
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (s < 45) return 'just now';
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  if (s < 3600) return rtf.format(-Math.round(s / 60), 'minute');
  if (s < 86_400) return rtf.format(-Math.round(s / 3600), 'hour');
  if (s < 7 * 86_400) return rtf.format(-Math.round(s / 86_400), 'day');
  return new Date(iso).toLocaleDateString();
}

export const labels = {
  type: { self_paced: 'Self-paced', instructor_led: 'Instructor-led', cohort: 'Cohort' } as Record<
    string,
    string
  >,
  level: { beginner: 'Beginner', intermediate: 'Intermediate', advanced: 'Advanced' } as Record<
    string,
    string
  >,
  price: { free: 'Free', paid: 'Paid' } as Record<string, string>,
  kind: { video: 'Video', slides: 'Slides', text: 'Reading', quiz: 'Quiz' } as Record<string, string>,
  sort: {
    relevance: 'Best match',
    newest: 'Newest',
    rating: 'Highest rated',
    popularity: 'Most popular',
  } as Record<string, string>,
};

/** Language tag → its name in the user's language ("fr" → "French"), the tag itself when unknown. */
export function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames(undefined, { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}
