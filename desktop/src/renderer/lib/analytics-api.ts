import { CourseInsights, type CourseInsightsQuery, type VideoEventBody } from '../../contracts/analytics.ts';
import { call } from './api.ts';

const enc = encodeURIComponent;

/** Analytics calls of the local API: the player's events, an instructor's course insights. */
export const analyticsApi = {
  /**
   * Report a player event. Fire and forget: analytics never bother the student (a failure is dropped); the request
   * outlives the page, so the last event of a viewing (leaving the page) still arrives.
   */
  videoEvent(courseId: string, lessonId: string, body: VideoEventBody): void {
    void fetch(`/api/learning/${enc(courseId)}/lessons/${enc(lessonId)}/video-events`, {
      method: 'POST',
      keepalive: true,
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).catch(() => undefined);
  },

  insights(courseId: string, q: CourseInsightsQuery, signal?: AbortSignal) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (typeof v === 'string' && v) params.set(k, v);
    return call(
      CourseInsights,
      'GET',
      `/api/teach/courses/${enc(courseId)}/insights?${params}`,
      undefined,
      signal,
    );
  },
};
