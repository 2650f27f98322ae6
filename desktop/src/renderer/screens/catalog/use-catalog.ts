import { useCallback, useEffect, useState } from 'react';
import type { CourseSummary } from '@lyceum/contracts';
import type { CatalogPage } from '../../../contracts/app.ts';
import { api, asFailure, type ApiFailure } from '../../lib/api.ts';
import type { CatalogFilters } from './query.ts';

export interface CatalogState {
  status: 'loading' | 'ready' | 'error';
  /** The latest page (facets, source, cursor). */
  page: CatalogPage | null;
  /** Every item loaded so far for this search. */
  items: CourseSummary[];
  error: ApiFailure | null;
  loadingMore: boolean;
  moreError: ApiFailure | null;
}

/** Runs a catalog search when the filters change (cancelling the one before) and appends pages on "load more". */
export function useCatalog(filters: CatalogFilters, pageSize = 20) {
  const key = JSON.stringify(filters);
  const [reloads, setReloads] = useState(0);
  const [state, setState] = useState<CatalogState>({
    status: 'loading',
    page: null,
    items: [],
    error: null,
    loadingMore: false,
    moreError: null,
  });

  useEffect(() => {
    const ctrl = new AbortController();
    setState((s) => ({ ...s, status: 'loading', error: null, moreError: null }));
    api.catalog({ ...(JSON.parse(key) as CatalogFilters), limit: pageSize }, ctrl.signal).then(
      (page) =>
        setState({
          status: 'ready',
          page,
          items: page.items,
          error: null,
          loadingMore: false,
          moreError: null,
        }),
      (err: unknown) => {
        if (!ctrl.signal.aborted) setState((s) => ({ ...s, status: 'error', error: asFailure(err) }));
      },
    );
    return () => ctrl.abort();
  }, [key, pageSize, reloads]);

  const loadMore = useCallback(async () => {
    const cursor = state.page?.nextCursor;
    if (!cursor || state.loadingMore) return;
    setState((s) => ({ ...s, loadingMore: true, moreError: null }));
    try {
      const page = await api.catalog({ ...filters, limit: pageSize, cursor });
      setState((s) => ({
        ...s,
        page,
        items: [...s.items, ...page.items.filter((i) => !s.items.some((o) => o.id === i.id))],
        loadingMore: false,
      }));
    } catch (err) {
      setState((s) => ({ ...s, loadingMore: false, moreError: asFailure(err) }));
    }
  }, [filters, pageSize, state.page?.nextCursor, state.loadingMore]);

  return { ...state, loadMore, reload: () => setReloads((n) => n + 1) };
}
