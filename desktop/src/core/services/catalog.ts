import { CoreError } from '../errors.ts';
import type { CatalogPage, CatalogQuery, CourseView } from '../../contracts/app.ts';
import type { ServerConnection } from '../server/connection.ts';
import { ServerError, ServerUnreachable } from '../server/errors.ts';
import type { CatalogCache } from '../store/catalog-cache.ts';
import { searchCachedCatalogTolerant } from '../store/catalog-search.ts';
import type { LocalDb } from '../store/open.ts';
import type { ConnectivityMonitor } from './connectivity.ts';
import { decodeCatalogCursor, encodeCatalogCursor } from './cursor.ts';
import { asCoreError, type SessionService } from './session.ts';

export interface CatalogDeps {
  db: LocalDb;
  client: ServerConnection;
  cache: CatalogCache;
  session: SessionService;
  connectivity: ConnectivityMonitor;
}

/** Catalog reads: from the server when it answers (and cached as they pass), from the local cache when it does not. */
export function catalogService(deps: CatalogDeps) {
  /** "Did you mean …?" of a search, when it has one. */
  const spelling = (r: { suggestion?: string; suggestionApplied?: boolean }) =>
    r.suggestion === undefined
      ? {}
      : { suggestion: r.suggestion, suggestionApplied: r.suggestionApplied ?? false };

  async function fromCache(query: CatalogQuery, offset: number): Promise<CatalogPage> {
    const r = await searchCachedCatalogTolerant(deps.db, { ...query, offset, limit: query.limit });
    const counts = deps.cache.counts();
    return {
      items: r.items,
      facets: r.facets,
      ...spelling(r),
      nextCursor: r.hasMore ? encodeCatalogCursor({ o: offset + r.items.length }) : null,
      source: 'cache',
      offline: true,
      syncedAt: counts.lastSyncedAt,
      cachedCount: counts.published,
    };
  }

  return {
    async search(query: CatalogQuery): Promise<CatalogPage> {
      const cursor = decodeCatalogCursor(query.cursor);
      const offset = cursor?.o ?? 0;
      // A page that started from the cache continues from the cache; so does a search while the server is known down.
      if ((cursor && !cursor.s && offset > 0) || deps.connectivity.knownOffline()) {
        if (deps.connectivity.knownOffline()) void deps.connectivity.check();
        return fromCache(query, offset);
      }
      try {
        // The catalog is public: searching never needs (or waits on a refresh of) the user's token.
        const res = await deps.client.call('searchCourses', { query: { ...query, cursor: cursor?.s } });
        const syncedAt = new Date().toISOString();
        deps.cache.putSummaries(res.items, syncedAt);
        return {
          items: res.items,
          facets: res.facets,
          ...spelling(res),
          nextCursor: res.nextCursor
            ? encodeCatalogCursor({ s: res.nextCursor, o: offset + res.items.length })
            : null,
          source: 'server',
          offline: false,
          syncedAt,
          cachedCount: deps.cache.counts().published,
        };
      } catch (err) {
        if (err instanceof ServerUnreachable) return fromCache(query, offset);
        throw asCoreError(err, 'The server cannot be reached');
      }
    },

    async course(id: string): Promise<CourseView> {
      // A structure stored as a signed-in student saw it (kept while they are signed out) shows only to them.
      const cached = () => {
        const hit = deps.cache.getDetail(id);
        return hit && (hit.viewerId === null || hit.viewerId === deps.session.currentUserId()) ? hit : null;
      };
      const offlineAnswer = (): CourseView => {
        const hit = cached();
        if (!hit) {
          throw new CoreError(
            'not_cached',
            'This course has not been opened on this device while online, so it is not saved here yet.',
          );
        }
        return { course: hit.course, source: 'cache', offline: true, syncedAt: hit.syncedAt };
      };
      if (deps.connectivity.knownOffline()) {
        void deps.connectivity.check();
        return offlineAnswer();
      }
      try {
        const course = await deps.session.withToken((token) =>
          deps.client.call('getCourse', { params: { id } }, { token }),
        );
        const syncedAt = new Date().toISOString();
        deps.cache.putDetail(course, deps.session.currentUserId(), syncedAt);
        return { course, source: 'server', offline: false, syncedAt };
      } catch (err) {
        if (err instanceof ServerUnreachable) return offlineAnswer();
        if (err instanceof ServerError && err.code === 'not_found') {
          deps.cache.forget(id);
          throw new CoreError('not_found', 'This course does not exist or is not published any more.');
        }
        throw asCoreError(err, 'The server cannot be reached');
      }
    },
  };
}
export type CatalogService = ReturnType<typeof catalogService>;
