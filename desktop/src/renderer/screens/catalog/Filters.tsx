import { useId, useRef, useState, type KeyboardEvent } from 'react';
import type { CourseFacets } from '@lyceum/contracts';
import { Button } from '../../components/Button.tsx';
import { FacetGroup } from '../../components/FacetGroup.tsx';
import { useT } from '../../i18n/use-t.ts';
import { useFormat } from '../../lib/format.ts';
import { activeFilterCount, type CatalogFilters } from './query.ts';

interface Props {
  facets: CourseFacets | null;
  filters: CatalogFilters;
  onChange: (next: CatalogFilters) => void;
}

/**
 * The filter column: type, level, subject, language and price, each with its counts. In a narrow window (below the
 * two-column breakpoint, e.g. 800 px or 200 % zoom) it folds behind a "Filters (n active)" toggle so the courses
 * come first; Escape inside the open filters folds them and gives focus back to the toggle.
 */
export function Filters({ facets, filters, onChange }: Props) {
  const t = useT();
  const f = useFormat();
  const set = (k: keyof CatalogFilters) => (v: string | undefined) => onChange({ ...filters, [k]: v });
  const [open, setOpen] = useState(false);
  const bodyId = useId();
  const toggle = useRef<HTMLButtonElement>(null);
  const active = activeFilterCount(filters);
  // The toggle is only displayed (and the filters only folded) in a narrow window.
  const folding = () => (toggle.current?.getClientRects().length ?? 0) > 0;
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && open && folding()) {
      e.stopPropagation();
      setOpen(false);
      toggle.current?.focus();
    }
  };
  return (
    <aside className={open ? 'filters filters--open' : 'filters'} aria-labelledby="filters-title">
      <div className="filters__head">
        <h2 id="filters-title" className="filters__title">
          {t('filters.title')}
        </h2>
        <button
          ref={toggle}
          type="button"
          className="button filters__toggle"
          aria-expanded={open}
          aria-controls={bodyId}
          onClick={() => setOpen((o) => !o)}
        >
          {t('filters.toggle', { active })}
        </button>
        {active > 0 ? (
          <Button variant="ghost" onClick={() => onChange({ q: filters.q, sort: filters.sort })}>
            {t('filters.clearAll')}
          </Button>
        ) : null}
      </div>
      <div id={bodyId} className="filters__body" onKeyDown={onKeyDown}>
        {facets ? (
          <>
            <FacetGroup
              legend={t('filters.price')}
              buckets={facets.price}
              selected={filters.price}
              onChange={set('price')}
              labelOf={(v) => f.label('price', v)}
            />
            <FacetGroup
              legend={t('filters.level')}
              buckets={facets.level}
              selected={filters.level}
              onChange={set('level')}
              labelOf={(v) => f.label('level', v)}
            />
            <FacetGroup
              legend={t('filters.type')}
              buckets={facets.type}
              selected={filters.type}
              onChange={set('type')}
              labelOf={(v) => f.label('type', v)}
            />
            <FacetGroup
              legend={t('filters.subject')}
              buckets={facets.subject}
              selected={filters.subject}
              onChange={set('subject')}
            />
            <FacetGroup
              legend={t('filters.language')}
              buckets={facets.language}
              selected={filters.language}
              onChange={set('language')}
              labelOf={f.languageName}
            />
          </>
        ) : (
          <p className="muted">{t('filters.loading')}</p>
        )}
      </div>
    </aside>
  );
}
