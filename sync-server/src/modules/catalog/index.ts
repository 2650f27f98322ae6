import type { ModuleDeps } from '../deps.ts';
import type { EnrollmentCheck, UserDirectory } from './access.ts';
import { TtlCache } from './cache.ts';
import type { CourseBundle } from './detail.ts';
import { catalogReader } from './reader.ts';
import { courseReads } from './reads.ts';
import { ratingService } from './ratings.ts';
import { refreshInstructorNames } from './relations.ts';
import { catalogRoutes } from './routes.ts';
import { courseSearch } from './search.ts';
import { catalogVersion } from './version.ts';
import { courseWriter } from './writes.ts';
import { courseAuthoring } from './authoring.ts';

export type { CatalogReader, CourseRef, CourseStructure, LessonRef, QuizRef } from './reader.ts';
export type { EnrollmentCheck, UserDirectory } from './access.ts';

export interface CatalogDeps extends ModuleDeps {
  /** Accounts (the identity module's account service). */
  users: UserDirectory;
  /** Asked at request time only, so the enrollment module may be created after this one. */
  isEnrolled: EnrollmentCheck['isEnrolled'];
  /** Optional: the number of enrollments of a course (delete guard); the course's enrollment_count is used without it. */
  countEnrollments?: EnrollmentCheck['countEnrollments'];
  /** How long search results and course details stay fresh in process (ms); default 5000. 0 turns caches off. */
  cacheTtlMs?: number;
  /** How many best matches of a text query are kept for in-process filtering and paging; default 500. */
  searchHeadSize?: number;
}

/** Course catalog: courses and their structure, quizzes with answer keys, search with facets, ratings. */
export function createCatalogModule(deps: CatalogDeps) {
  const ttl = deps.cacheTtlMs ?? 5000;
  const enrollments: EnrollmentCheck = {
    isEnrolled: (courseId, userId) => deps.isEnrolled(courseId, userId),
    ...(deps.countEnrollments ? { countEnrollments: deps.countEnrollments } : {}),
  };
  const reader = catalogReader(deps.db);
  const version = catalogVersion(deps.pool, deps.logger);
  const search = courseSearch(deps.pool, version, { ttlMs: ttl, headSize: deps.searchHeadSize });
  const bundles = new TtlCache<CourseBundle | null>(ttl, { maxEntries: 2000 });
  version.onChange(() => bundles.clear());
  /**
   * After every committed change of a course: drop what the caches hold about it. A change of the course itself moves
   * the catalog version (every node drops its search caches); a change of its counters only (a rating) does not.
   */
  const changed = (courseId: string, what: 'course' | 'counters' = 'course') => {
    reader.invalidate(courseId);
    bundles.delete(courseId);
    if (what === 'course') version.bump();
  };
  const writes = courseWriter({ db: deps.db, users: deps.users, enrollments, changed });
  const reads = courseReads({ db: deps.db, pool: deps.pool, enrollments, bundles, version });
  /**
   * The same reads, never from a cache, for the sync pull: it reads an entity's state after the change it reports and
   * the client then moves its cursor past that change, so a cached (older) state would stay on the device until the
   * next change.
   */
  const fresh = courseReads({
    db: deps.db,
    pool: deps.pool,
    enrollments,
    bundles: new TtlCache<CourseBundle | null>(0),
    version: { poll: () => {} },
  });
  const ratings = ratingService({
    db: deps.db,
    users: deps.users,
    enrollments,
    changed: (id) => changed(id, 'counters'),
  });
  /** Authoring through sync: drafts, their versions, publishing them (authoring.ts). */
  const authoring = courseAuthoring({ db: deps.db, enrollments, writes, changed });
  const service = {
    ...writes,
    ...reads,
    search: search.search,
    /** After a user is renamed: refresh the instructor names kept on their courses. */
    async instructorRenamed(userId: string): Promise<void> {
      for (const id of await refreshInstructorNames(deps.db, deps.users, userId)) changed(id);
    },
  };
  return {
    routes: catalogRoutes(search, reads, writes, ratings),
    reader,
    service,
    fresh,
    ratings,
    authoring,
  };
}
export type CatalogModule = ReturnType<typeof createCatalogModule>;
