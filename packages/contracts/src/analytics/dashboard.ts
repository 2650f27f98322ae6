import { z } from 'zod';
import { IsoDateTime, Text } from '../common.ts';
import {
  CourseFunnel,
  DailyPoint,
  EngagementInsight,
  LessonInsight,
  PlatformOverview,
  QuestionInsight,
  RatingInsight,
} from './insights.ts';

/** The time range of an insight request: ISO instants, or a preset counted back from now. */
export const InsightQuery = z
  .object({
    from: IsoDateTime.optional(),
    to: IsoDateTime.optional(),
    /** When from/to are absent: the last hour, day, 7 or 30 days (default 7d). */
    last: z.enum(['1h', '24h', '7d', '30d', '365d']).optional(),
    courseId: z.uuid().optional(),
  })
  .strict();
export type InsightQuery = z.infer<typeof InsightQuery>;

/** Display names for the ids the insights mention (unknown ids — e.g. outside tools' activities — stay ids). */
export const InsightNames = z.object({
  courses: z.record(Text(), Text()),
  lessons: z.record(Text(), Text()),
  questions: z.record(Text(), Text()),
  learners: z.record(Text(), Text()),
});
export type InsightNames = z.infer<typeof InsightNames>;

/**
 * Everything the live dashboard shows, in one answer: the admin console (platform-wide) and the desktop app
 * (an instructor's own course) read the same figures. Lists are trimmed to what a screen shows.
 */
export const Dashboard = z.object({
  range: z.object({ from: IsoDateTime, to: IsoDateTime, courseId: Text().nullable() }),
  overview: PlatformOverview,
  daily: z.array(DailyPoint),
  funnel: z.array(CourseFunnel),
  lessons: z.array(LessonInsight),
  /** Hardest first (lowest share correct on the first answer). */
  questions: z.array(QuestionInsight),
  engagement: EngagementInsight,
  ratings: RatingInsight,
  names: InsightNames,
});
export type Dashboard = z.infer<typeof Dashboard>;

/** socket.io: the analytics figures changed (new events processed); dashboards fetch again. */
export const AnalyticsChangedEvent = 'analytics:changed';
export const AnalyticsChanged = z.object({
  at: IsoDateTime,
  events: z.number().int(),
  courseIds: z.array(Text()),
});
export type AnalyticsChanged = z.infer<typeof AnalyticsChanged>;
