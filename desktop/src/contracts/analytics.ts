import { z } from 'zod';
import { Dashboard, InsightQuery, IsoDateTime } from '@lyceum/contracts';

/** The local API of analytics: the player's video events and the instructor's course insights. */

const Seconds = z.number().min(0).max(1_000_000);

/**
 * What the video player reports: played / paused / seeked, and `completed` when playback reaches the end. Positions
 * in seconds; `segments` are the stretches played in this viewing (the player's session), `length` the video's.
 */
export const VideoEventBody = z
  .object({
    verb: z.enum(['played', 'paused', 'seeked', 'completed']),
    sessionId: z.uuid(),
    time: Seconds,
    from: Seconds.optional(),
    to: Seconds.optional(),
    segments: z
      .array(z.tuple([Seconds, Seconds]).refine(([a, b]) => b >= a, 'A segment ends after it starts'))
      .max(2000),
    length: z.number().positive().max(1_000_000),
  })
  .strict()
  .refine((b) => b.verb !== 'seeked' || (b.from !== undefined && b.to !== undefined), {
    message: 'A seek needs from and to',
    path: ['from'],
  });
export type VideoEventBody = z.infer<typeof VideoEventBody>;

/** The time range of a course's insights (the course is in the path). */
export const CourseInsightsQuery = InsightQuery.omit({ courseId: true });
export type CourseInsightsQuery = z.infer<typeof CourseInsightsQuery>;

/** A course's insights as the Teach screen shows them: from the server now, or the last copy when offline. */
export const CourseInsights = z.object({
  dashboard: Dashboard,
  source: z.enum(['server', 'cache']),
  /** When the figures were fetched from the server. */
  fetchedAt: IsoDateTime,
  /** Seconds since then (0 when just fetched). */
  ageSeconds: z.number().nonnegative(),
  offline: z.boolean(),
});
export type CourseInsights = z.infer<typeof CourseInsights>;
