import { CoreError } from '../errors.ts';
import type { LessonSearchQuery, LessonSearchResult } from '../../contracts/lesson-search.ts';
import { searchableLessonCount, searchStoredLessons } from '../store/lesson-search.ts';
import type { LocalDb } from '../store/open.ts';

export interface LessonSearchDeps {
  db: LocalDb;
  /** The signed-in student, once the local tables are theirs (the sync engine's prepare); null when signed out. */
  prepareUser: () => string | null;
}

/** Search inside the lessons of the signed-in student's courses stored on this device: works the same offline. */
export function lessonSearchService(d: LessonSearchDeps) {
  return {
    search(query: LessonSearchQuery): LessonSearchResult {
      const userId = d.prepareUser();
      if (!userId) throw new CoreError('signed_out', 'Sign in to search inside your courses.');
      return {
        items: searchStoredLessons(d.db, userId, query.q, query.limit),
        indexed: searchableLessonCount(d.db, userId),
      };
    },
  };
}
export type LessonSearchService = ReturnType<typeof lessonSearchService>;
