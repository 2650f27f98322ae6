import { CoreError } from '../errors.ts';
import type { MyRatingView, RatingBody, ReviewPage, ReviewsQuery } from '../../contracts/ratings.ts';
import type { ServerConnection } from '../server/connection.ts';
import { ServerError } from '../server/errors.ts';
import { asCoreError, type SessionService } from './session.ts';

export interface RatingDeps {
  client: ServerConnection;
  session: SessionService;
}

const OFFLINE =
  'Rating a course needs the server, and it cannot be reached right now. Try again when you are back online.';
const REVIEWS_OFFLINE =
  'Reviews come from the server, and it cannot be reached right now. They show again when you are back online.';

/**
 * Course ratings of the signed-in student. Like enrolling, a rating is the server's business (it checks the
 * enrollment and keeps the average): online only, with the `offline` error (503) when the server cannot be reached.
 */
export function ratingService(d: RatingDeps) {
  const course = (courseId: string) => ({ params: { id: courseId } });

  /** A server call with the user's token, if any; an unreachable server becomes the local API's `offline`. */
  async function serverCall<T>(call: (token: string | null) => Promise<T>, offline: string): Promise<T> {
    try {
      return await d.session.withToken(call);
    } catch (err) {
      throw asCoreError(err, offline);
    }
  }

  /** A server call that needs the user's token: signed out is the local API's `signed_out`. */
  async function authed<T>(call: (token: string) => Promise<T>): Promise<T> {
    if (!d.session.currentUserId()) throw new CoreError('signed_out', 'Sign in to rate courses.');
    return serverCall((token) => {
      if (!token) throw new CoreError('signed_out', 'Sign in to rate courses.');
      return call(token);
    }, OFFLINE);
  }

  async function view(courseId: string, token: string): Promise<MyRatingView> {
    const [list, mine] = await Promise.all([
      d.client.call('listCourseRatings', { ...course(courseId), query: { limit: 1 } }, { token }),
      d.client.call('getMyCourseRating', course(courseId), { token }).catch((err: unknown) => {
        // "You have not rated this course" (a missing course fails the list call above as well).
        if (err instanceof ServerError && err.code === 'not_found') return null;
        throw err;
      }),
    ]);
    return { courseId, mine, average: list.average, count: list.count, distribution: list.distribution };
  }

  return {
    /** The student's rating (null when none) and the course's average and count, fresh from the server. */
    mine: (courseId: string) => authed((token) => view(courseId, token)),

    /** Give or change the rating (the server refuses students who are not enrolled: not_enrolled, 403). */
    put: (courseId: string, body: RatingBody) =>
      authed(async (token) => {
        await d.client.call('putMyCourseRating', { ...course(courseId), body }, { token });
        return view(courseId, token);
      }),

    /**
     * A page of the course's ratings by all students, newest first, with the average, count and star distribution.
     * The server's route is public: signed out, it is asked without a token (signed in, the token lets an enrolled
     * student see an archived course's ratings too). A missing or unseen course is the server's not_found (404).
     */
    reviews: (courseId: string, query: ReviewsQuery): Promise<ReviewPage> =>
      serverCall(
        (token) => d.client.call('listCourseRatings', { ...course(courseId), query }, { token }),
        REVIEWS_OFFLINE,
      ),

    /** Withdraw the rating (not_found when there is none). */
    remove: (courseId: string) =>
      authed(async (token) => {
        await d.client.call('deleteMyCourseRating', course(courseId), { token });
        return view(courseId, token);
      }),
  };
}
export type RatingService = ReturnType<typeof ratingService>;
