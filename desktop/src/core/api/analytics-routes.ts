import type { CourseInsightsService } from '../analytics/insights.ts';
import { CourseInsightsQuery, VideoEventBody } from '../../contracts/analytics.ts';
import { CourseLessonParams } from '../../contracts/learning.ts';
import { CourseIdParam } from '../../contracts/app.ts';
import type { LearningService } from '../services/learning.ts';
import { parseInput, type LocalRoute } from './routes.ts';

/** Analytics endpoints of the local API: the video player's events, and an instructor's course insights. */
export function analyticsRoutes(s: {
  learning: LearningService;
  insights: CourseInsightsService;
}): LocalRoute[] {
  return [
    {
      method: 'POST',
      path: '/api/learning/:id/lessons/:lessonId/video-events',
      status: 204,
      handler: ({ params, body }) => {
        const p = parseInput(CourseLessonParams, params, 'params');
        s.learning.videoEvent(p.id, p.lessonId, parseInput(VideoEventBody, body, 'body'));
        return undefined;
      },
    },
    {
      method: 'GET',
      path: '/api/teach/courses/:id/insights',
      handler: ({ params, query }) =>
        s.insights.course(
          parseInput(CourseIdParam, params, 'params').id,
          parseInput(CourseInsightsQuery, query, 'query'),
        ),
    },
  ];
}
