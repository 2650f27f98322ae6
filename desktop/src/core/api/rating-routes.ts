import { RatingBody, ReviewsQuery } from '../../contracts/ratings.ts';
import { CourseIdParam } from '../../contracts/app.ts';
import type { RatingService } from '../services/ratings.ts';
import { parseInput, type LocalRoute } from './routes.ts';

/**
 * The signed-in student's rating of a course, and every student's reviews of it (online only: `offline`, 503, when
 * the server cannot be reached).
 */
export function ratingRoutes(s: { ratings: RatingService }): LocalRoute[] {
  const course = (params: Record<string, string>) => parseInput(CourseIdParam, params, 'params').id;
  return [
    {
      method: 'GET',
      path: '/api/catalog/:id/rating',
      handler: ({ params }) => s.ratings.mine(course(params)),
    },
    {
      method: 'PUT',
      path: '/api/catalog/:id/rating',
      handler: ({ params, body }) => s.ratings.put(course(params), parseInput(RatingBody, body, 'body')),
    },
    {
      method: 'DELETE',
      path: '/api/catalog/:id/rating',
      handler: ({ params }) => s.ratings.remove(course(params)),
    },
    {
      method: 'GET',
      path: '/api/catalog/:id/reviews',
      handler: ({ params, query }) =>
        s.ratings.reviews(course(params), parseInput(ReviewsQuery, query, 'query')),
    },
  ];
}
