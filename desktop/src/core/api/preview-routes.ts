import { CourseLessonParams } from '../../contracts/learning.ts';
import type { PreviewService } from '../services/preview.ts';
import { parseInput, type LocalRoute } from './routes.ts';

/** A lesson opened from the course page (a preview, for a visitor who is not enrolled); its files go through /api/media. */
export function previewRoutes(s: { preview: PreviewService }): LocalRoute[] {
  return [
    {
      method: 'GET',
      path: '/api/catalog/:id/lessons/:lessonId',
      handler: ({ params }) => {
        const p = parseInput(CourseLessonParams, params, 'params');
        return s.preview.lesson(p.id, p.lessonId);
      },
    },
  ];
}
