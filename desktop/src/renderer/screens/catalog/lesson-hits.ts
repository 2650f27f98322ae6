import { useEffect, useState } from 'react';
import { LessonSearchResult } from '../../../contracts/lesson-search.ts';
import { call } from '../../lib/api.ts';

/** Search inside the lessons of the student's stored courses (the local API; works offline). */
export const searchLessons = (q: string, limit: number, signal?: AbortSignal) =>
  call(
    LessonSearchResult,
    'GET',
    `/api/lessons/search?${new URLSearchParams({ q, limit: String(limit) }).toString()}`,
    undefined,
    signal,
  );

/**
 * The lessons holding the query's words, searched as the query changes (the one before cancelled). Null while there
 * is no query, before the answer, and when nobody is signed in or the search failed: the section then stays hidden.
 */
export function useLessonHits(q: string | undefined, limit: number): LessonSearchResult | null {
  const [hits, setHits] = useState<LessonSearchResult | null>(null);
  useEffect(() => {
    setHits(null);
    if (!q?.trim()) return;
    const ctrl = new AbortController();
    searchLessons(q, limit, ctrl.signal).then(
      (r) => {
        if (!ctrl.signal.aborted) setHits(r);
      },
      () => undefined,
    );
    return () => ctrl.abort();
  }, [q, limit]);
  return hits;
}
