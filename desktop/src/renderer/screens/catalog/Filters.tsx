import type { CourseFacets } from '@lyceum/contracts';
import { Button } from '../../components/Button.tsx';
import { FacetGroup } from '../../components/FacetGroup.tsx';
import { labels, languageName } from '../../lib/format.ts';
import { hasFilters, type CatalogFilters } from './query.ts';

interface Props {
  facets: CourseFacets | null;
  filters: CatalogFilters;
  onChange: (next: CatalogFilters) => void;
}

/** The filter column: type, level, subject, language and price, each with its counts. */
export function Filters({ facets, filters, onChange }: Props) {
  const set = (k: keyof CatalogFilters) => (v: string | undefined) => onChange({ ...filters, [k]: v });
  return (
    <aside className="filters" aria-labelledby="filters-title">
      <div className="filters__head">
        <h2 id="filters-title" className="filters__title">
          Filters
        </h2>
        {hasFilters(filters) ? (
          <Button variant="ghost" onClick={() => onChange({ q: filters.q, sort: filters.sort })}>
            Clear all
          </Button>
        ) : null}
      </div>
      {facets ? (
        <>
          <FacetGroup
            legend="Price"
            buckets={facets.price}
            selected={filters.price}
            onChange={set('price')}
            labelOf={(v) => labels.price[v] ?? v}
          />
          <FacetGroup
            legend="Level"
            buckets={facets.level}
            selected={filters.level}
            onChange={set('level')}
            labelOf={(v) => labels.level[v] ?? v}
          />
          <FacetGroup
            legend="Type"
            buckets={facets.type}
            selected={filters.type}
            onChange={set('type')}
            labelOf={(v) => labels.type[v] ?? v}
          />
          <FacetGroup
            legend="Subject"
            buckets={facets.subject}
            selected={filters.subject}
            onChange={set('subject')}
          />
          <FacetGroup
            legend="Language"
            buckets={facets.language}
            selected={filters.language}
            onChange={set('language')}
            labelOf={languageName}
          />
        </>
      ) : (
        <p className="muted">Loading filters…</p>
      )}
    </aside>
  );
}
