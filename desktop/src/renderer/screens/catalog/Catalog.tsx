import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { CourseSort } from '@lyceum/contracts';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { CourseCard } from '../../components/CourseCard.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useConnectivity } from '../../lib/connectivity.tsx';
import { useFormat } from '../../lib/format.ts';
import { useT } from '../../i18n/use-t.ts';
import { lastCatalog, navigate } from '../../lib/router.ts';
import { useFocusHeading } from '../../lib/use-focus-heading.ts';
import { Filters } from './Filters.tsx';
import { LessonHits } from './LessonHits.tsx';
import { SpellingSuggestion } from './SpellingSuggestion.tsx';
import { filtersFromSearch, hasFilters, searchFromFilters, type CatalogFilters } from './query.ts';
import { useCatalog } from './use-catalog.ts';

export function Catalog({ search }: { search: string }) {
  const t = useT();
  const f = useFormat();
  const heading = useFocusHeading<HTMLHeadingElement>(t('nav.catalog'));
  const filters = filtersFromSearch(search);
  lastCatalog.search = searchFromFilters(filters);
  const [text, setText] = useState(filters.q ?? '');
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const catalog = useCatalog(filters);
  const { status, refresh } = useConnectivity();

  const apply = (next: CatalogFilters) => navigate(`/${searchFromFilters(next)}`, { replace: true });

  // Type to search: the query follows the text after a short pause.
  useEffect(() => {
    if ((filters.q ?? '') === text.trim()) return;
    const timer = setTimeout(() => apply({ ...filters, q: text.trim() || undefined }), 250);
    return () => clearTimeout(timer);
  }, [text]);

  // "/" focuses the search box from anywhere on the screen.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.key === '/' && !/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) {
        e.preventDefault();
        input.current?.focus();
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  // A page from the cache means the server just failed: let the indicator catch up at once.
  const page = catalog.page;
  useEffect(() => {
    if (page && status && page.offline === status.online) refresh();
  }, [page, status, refresh]);

  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape' && text) {
      setText('');
      apply({ ...filters, q: undefined });
    }
    if (e.key === 'Enter') apply({ ...filters, q: text.trim() || undefined });
  };

  const loadMore = async () => {
    const before = catalog.items.length;
    await catalog.loadMore();
    // Keep keyboard users in place: focus the first course that was added.
    requestAnimationFrame(() =>
      list.current?.querySelectorAll<HTMLAnchorElement>('.course-card__link')[before]?.focus(),
    );
  };

  const total = page
    ? filters.type
      ? (page.facets.type.find((b) => b.value === filters.type)?.count ?? 0)
      : page.facets.type.reduce((n, b) => n + b.count, 0)
    : null;
  const sort = filters.sort ?? (filters.q ? 'relevance' : 'newest');

  return (
    <main id="main" className="catalog">
      <div className="catalog__top">
        <h1 ref={heading} tabIndex={-1} className="catalog__title">
          {t('catalog.title')}
        </h1>
        <form role="search" className="search" onSubmit={(e) => e.preventDefault()}>
          <label htmlFor="catalog-search" className="visually-hidden">
            {t('catalog.search.label')}
          </label>
          <input
            ref={input}
            id="catalog-search"
            type="search"
            className="search__input"
            placeholder={t('catalog.search.placeholder')}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={onSearchKey}
            autoComplete="off"
          />
        </form>
      </div>

      {page?.source === 'cache' ? (
        <Banner tone="warning">
          {page.syncedAt
            ? t('catalog.offlineUpdated', { count: page.cachedCount, ago: f.ago(page.syncedAt) })
            : t('catalog.offline', { count: page.cachedCount })}
        </Banner>
      ) : null}

      <div className="catalog__body">
        <Filters facets={page?.facets ?? null} filters={filters} onChange={apply} />
        <section className="results" aria-labelledby="results-title" aria-busy={catalog.status === 'loading'}>
          <div className="results__head">
            <h2 id="results-title" className="results__title" aria-live="polite">
              {total === null ? t('catalog.results.title') : t('catalog.results.count', { count: total })}
            </h2>
            <label className="sort">
              <span>{t('catalog.sortBy')}</span>
              <select
                value={sort}
                onChange={(e) => apply({ ...filters, sort: CourseSort.parse(e.target.value) })}
              >
                {CourseSort.options
                  .filter((s) => s !== 'relevance' || filters.q)
                  .map((s) => (
                    <option key={s} value={s}>
                      {f.label('sort', s)}
                    </option>
                  ))}
              </select>
            </label>
          </div>
          <SpellingSuggestion
            page={catalog.status === 'ready' ? page : null}
            filters={filters}
            onPick={setText}
          />
          <LessonHits q={filters.q} />

          {catalog.status === 'error' && catalog.error ? (
            <Banner tone="error">
              {catalog.error.message} <Button onClick={catalog.reload}>{t('common.tryAgain')}</Button>
            </Banner>
          ) : null}

          {catalog.status === 'loading' && catalog.items.length === 0 ? (
            <Spinner label={t('catalog.loading')} />
          ) : null}

          {catalog.status === 'ready' && catalog.items.length === 0 ? (
            page?.source === 'cache' && page.cachedCount === 0 ? (
              <EmptyState title={t('catalog.empty.offline.title')}>
                {t('catalog.empty.offline.body')}
              </EmptyState>
            ) : (
              <EmptyState
                title={t('catalog.empty.title')}
                action={
                  hasFilters(filters) || filters.q ? (
                    <Button
                      onClick={() => {
                        setText('');
                        apply({ sort: filters.sort });
                      }}
                    >
                      {t('catalog.empty.clear')}
                    </Button>
                  ) : null
                }
              >
                {filters.q ? t('catalog.empty.nothingFor', { q: filters.q }) : t('catalog.empty.none')}
              </EmptyState>
            )
          ) : null}

          {catalog.items.length > 0 ? (
            <ol
              ref={list}
              className={
                catalog.status === 'loading' ? 'results__list results__list--stale' : 'results__list'
              }
            >
              {catalog.items.map((c) => (
                <li key={c.id}>
                  <CourseCard course={c} />
                </li>
              ))}
            </ol>
          ) : null}

          {catalog.moreError ? <Banner tone="error">{catalog.moreError.message}</Banner> : null}
          {page?.nextCursor && catalog.status === 'ready' ? (
            <div className="results__more">
              <Button onClick={loadMore} busy={catalog.loadingMore} busyLabel={t('catalog.loadingMore')}>
                {t('catalog.loadMore')}
              </Button>
            </div>
          ) : null}
        </section>
      </div>
    </main>
  );
}
