import type { MediaSource } from '../downloads/index.ts';
import { CoreError } from '../errors.ts';
import type { PreviewLesson, PreviewMedia } from '../../contracts/preview.ts';
import { findLesson } from '../sync/local-state.ts';
import type { CatalogService } from './catalog.ts';

/**
 * Lessons a visitor may open from the course page without enrolling: the server marks every lesson the caller may
 * not see as locked (all but previews for someone not enrolled), and serves the text and files of the others.
 */
export function previewService(d: { catalog: CatalogService; media: MediaSource }) {
  async function mediaOf(courseId: string, lessonId: string, online: boolean): Promise<PreviewMedia> {
    const m = await d.media.lessonMedia(courseId, lessonId, online);
    return { source: m.source, assets: m.assets, preparing: m.preparing };
  }

  return {
    async lesson(courseId: string, lessonId: string): Promise<PreviewLesson> {
      const view = await d.catalog.course(courseId);
      const { course } = view;
      const found = findLesson(course, lessonId);
      if (!found) throw new CoreError('not_found', 'This lesson is not part of the course.');
      if (found.lesson.locked)
        throw new CoreError(
          'not_enrolled',
          'Enroll in this course to open this lesson. Lessons marked Preview are open to everyone.',
        );
      const open = course.modules.flatMap((m) => m.lessons).filter((l) => !l.locked);
      const i = open.findIndex((l) => l.id === lessonId);
      const { kind } = found.lesson;
      return {
        courseId,
        courseTitle: course.title,
        enrolled: course.viewer.enrolled,
        module: { id: found.module.id, title: found.module.title },
        lesson: found.lesson,
        source: view.source,
        media:
          kind === 'video' || kind === 'slides'
            ? await mediaOf(courseId, lessonId, view.source === 'server')
            : null,
        previousLessonId: open[i - 1]?.id ?? null,
        nextLessonId: open[i + 1]?.id ?? null,
      };
    },
  };
}
export type PreviewService = ReturnType<typeof previewService>;
