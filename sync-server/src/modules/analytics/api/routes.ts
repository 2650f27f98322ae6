import { z } from 'zod';
import {
  CourseFunnel,
  DailyPoint,
  Dashboard,
  EngagementInsight,
  InsightQuery,
  LessonInsight,
  PlatformOverview,
  QuestionInsight,
  RatingInsight,
  StudentSummary,
  Text,
  type ErrorCode,
  type InsightRange,
} from '@lyceum/contracts';
import { route, type AnyRoute, type Caller } from '../../../http/route.ts';
import type { AnalyticsStore } from '../store/port.ts';
import { insightNames, type NameSources } from './names.ts';
import { authorizeScope, resolveRange } from './scope.ts';

export interface InsightsApiDeps extends NameSources {
  store: AnalyticsStore;
  isInstructor: (courseId: string, userId: string) => Promise<boolean>;
  now?: () => Date;
}

const ActorParams = z.object({ actor: Text().min(1).max(400) }).strict();
const errors = ['validation_failed', 'forbidden', 'unauthenticated'] as const;

/**
 * The insights REST API: the figures of the dashboard, one endpoint each, plus the dashboard in one answer.
 * Admins read the whole platform; instructors one course they teach (courseId); a learner their own summary.
 */
export function insightsRoutes(d: InsightsApiDeps): AnyRoute[] {
  const now = d.now ?? (() => new Date());
  const tags = ['analytics'];
  const scoped = async (user: Caller | null, q: InsightQuery): Promise<InsightRange> => {
    await authorizeScope(user!, q.courseId, d.isInstructor);
    return resolveRange(q, now());
  };
  /** What every figure route shares: GET /api/v1/analytics/<name>, instructor access, the insight query. */
  const figure = (name: string, summary: string) =>
    ({
      method: 'get',
      path: `/api/v1/analytics/${name}`,
      operationId: `analytics${name[0]!.toUpperCase()}${name.slice(1)}`,
      summary,
      tags,
      access: 'instructor',
      query: InsightQuery,
      errors: [...errors] as ErrorCode[],
      rateLimit: { policy: 'dashboard' },
    }) as const;

  return [
    route({
      method: 'get',
      path: '/api/v1/analytics/dashboard',
      operationId: 'analyticsDashboard',
      summary: 'Everything the live dashboard shows, for a time range (and a course)',
      tags,
      access: 'instructor',
      rateLimit: { policy: 'dashboard' },
      query: InsightQuery,
      response: Dashboard,
      errors: [...errors],
      handler: async ({ query, user }) => {
        const range = await scoped(user, query);
        const at = now();
        const [overview, daily, funnel, lessons, questions, engagement, ratings] = await Promise.all([
          d.store.overview(range, at),
          d.store.daily(range),
          d.store.funnel(range),
          d.store.lessons(range),
          d.store.questions(range),
          d.store.engagement(range, { limit: 10, now: at }),
          d.store.ratings(range),
        ]);
        const hardest = questions
          .filter((q) => q.difficulty !== null)
          .sort((a, b) => (a.difficulty ?? 1) - (b.difficulty ?? 1) || b.respondents - a.respondents)
          .slice(0, 10);
        const watched = lessons.filter((l) => l.viewingSessions > 0 || l.started > 0).slice(0, 200);
        const names = await insightNames(d, {
          courses: [
            ...funnel.map((f) => f.courseId),
            ...watched.map((l) => l.courseId),
            ...hardest.map((q) => q.courseId),
            ...engagement.courses.map((c) => c.courseId),
            ...ratings.courses.map((c) => c.courseId),
          ],
          learners: engagement.students.map((s) => s.actor),
        });
        return {
          range: { from: range.from, to: range.to, courseId: range.courseId ?? null },
          overview,
          daily,
          funnel,
          lessons: watched,
          questions: hardest,
          engagement,
          ratings,
          names,
        };
      },
    }),
    route({
      ...figure('overview', 'Live figures (active learners, events/s) and the range totals'),
      response: PlatformOverview,
      handler: async ({ query, user }) => {
        const r = await scoped(user, query);
        return d.store.overview(r, now());
      },
    }),
    route({
      ...figure('daily', 'One point per UTC day of the range, for charts'),
      response: z.array(DailyPoint),
      handler: async ({ query, user }) => {
        const r = await scoped(user, query);
        return d.store.daily(r);
      },
    }),
    route({
      ...figure('funnel', 'Completion funnel and completion rate per course'),
      response: z.array(CourseFunnel),
      handler: async ({ query, user }) => {
        const r = await scoped(user, query);
        return d.store.funnel(r);
      },
    }),
    route({
      ...figure('lessons', 'Per lesson: started, completed, time spent, video watch share, drop-off'),
      response: z.array(LessonInsight),
      handler: async ({ query, user }) => {
        const r = await scoped(user, query);
        return d.store.lessons(r);
      },
    }),
    route({
      ...figure('questions', 'Per quiz question: difficulty (share correct first time) and discrimination'),
      response: z.array(QuestionInsight),
      handler: async ({ query, user }) => {
        const r = await scoped(user, query);
        return d.store.questions(r);
      },
    }),
    route({
      ...figure('engagement', 'Engagement score per course and the most engaged learners'),
      response: EngagementInsight,
      handler: async ({ query, user }) => {
        const r = await scoped(user, query);
        return d.store.engagement(r, { limit: 50, now: now() });
      },
    }),
    route({
      ...figure('ratings', 'Rating statistics, overall and per course'),
      response: RatingInsight,
      handler: async ({ query, user }) => {
        const r = await scoped(user, query);
        return d.store.ratings(r);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/analytics/students/:actor',
      operationId: 'analyticsStudent',
      rateLimit: { policy: 'dashboard' },
      summary: "One learner's activity, sessions and engagement (admins; instructors for their course)",
      tags,
      access: 'instructor',
      params: ActorParams,
      query: InsightQuery,
      response: StudentSummary,
      errors: [...errors],
      handler: async ({ params, query, user }) =>
        d.store.student(params.actor, await scoped(user, query), { now: now() }),
    }),
    route({
      method: 'get',
      path: '/api/v1/analytics/me',
      operationId: 'analyticsMe',
      rateLimit: { policy: 'dashboard' },
      summary: 'My own learning activity, sessions and engagement',
      tags,
      access: 'user',
      query: InsightQuery,
      response: StudentSummary,
      errors: ['validation_failed', 'unauthenticated'],
      handler: async ({ query, user }) =>
        d.store.student(user!.id, resolveRange(query, now()), { now: now() }),
    }),
  ];
}
