import { FormattedMessage } from 'react-intl';
import type { CatalogPage } from '../../../contracts/app.ts';
import { Link } from '../../components/Link.tsx';
import { useT } from '../../i18n/use-t.ts';
import { searchFromFilters, type CatalogFilters } from './query.ts';

interface Props {
  page: CatalogPage | null;
  filters: CatalogFilters;
  /** The suggestion was followed: the search box takes its text. */
  onPick: (q: string) => void;
}

/**
 * "Did you mean python?" under the results' title when the search (server or offline) has a spelling suggestion: a
 * link that runs it. When nothing matched the words as typed, it first says the courses shown are the suggestion's.
 */
export function SpellingSuggestion({ page, filters, onPick }: Props) {
  const t = useT();
  const suggestion = page?.suggestion;
  if (!suggestion || !filters.q) return null;
  return (
    <p className="spelling" role="status">
      {page.suggestionApplied ? (
        <span className="spelling__applied">
          {t('catalog.suggestion.applied', { q: filters.q, suggestion })}{' '}
        </span>
      ) : null}
      <FormattedMessage
        id="catalog.suggestion.didYouMean"
        values={{
          suggestion,
          link: (text) => (
            <Link
              href={`/${searchFromFilters({ ...filters, q: suggestion })}`}
              className="spelling__link"
              onClick={() => onPick(suggestion)}
            >
              {text}
            </Link>
          ),
        }}
      />
    </p>
  );
}
