import { z } from 'zod';
import { CourseRating, RatingInput, RatingList, RatingListQuery } from '@lyceum/contracts';

/** The local API of course ratings. Payloads come from @lyceum/contracts; this file only adds the view. */

/** PUT /api/catalog/:id/rating: 1–5 stars and an optional review (the server's own rules). */
export const RatingBody = RatingInput;
export type RatingBody = z.infer<typeof RatingBody>;

/** The signed-in student's rating of a course with the course's current average, count and star distribution. */
export const MyRatingView = z.object({
  courseId: z.string(),
  mine: CourseRating.nullable(),
  average: z.number(),
  count: z.number().int(),
  /** How many ratings gave 1, 2, 3, 4 and 5 stars. */
  distribution: z.array(z.number().int()).length(5),
});
export type MyRatingView = z.infer<typeof MyRatingView>;

/** GET /api/catalog/:id/reviews?cursor=&limit=: the server's own query (limit 1–100, 20 by default; unknown keys refused). */
export const ReviewsQuery = RatingListQuery;
export type ReviewsQuery = z.infer<typeof ReviewsQuery>;

/** A page of a course's ratings by all students, newest first, with average, count and distribution (the server's answer). */
export const ReviewPage = RatingList;
export type ReviewPage = z.infer<typeof ReviewPage>;
