import { LessonSearchQuery } from '../../contracts/lesson-search.ts';
import type { LessonSearchService } from '../services/lesson-search.ts';
import { parseInput, type LocalRoute } from './routes.ts';

/** GET /api/lessons/search?q=&limit=: lessons of the student's stored courses holding the words, with snippets. */
export function lessonSearchRoutes(s: { lessons: LessonSearchService }): LocalRoute[] {
  return [
    {
      method: 'GET',
      path: '/api/lessons/search',
      handler: ({ query }) => s.lessons.search(parseInput(LessonSearchQuery, query, 'query')),
    },
  ];
}
