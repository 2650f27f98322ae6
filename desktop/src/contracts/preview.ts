import { z } from 'zod';
import { LessonView } from '@lyceum/contracts';
import { LessonMedia } from './content.ts';
import { DataSource } from './app.ts';

/** The media of a preview lesson: what the lesson screen gets, without the state of an offline copy. */
export const PreviewMedia = LessonMedia.pick({ source: true, assets: true, preparing: true });
export type PreviewMedia = z.infer<typeof PreviewMedia>;

/**
 * A lesson open to a visitor of the course page: a preview lesson (or any lesson, for an enrolled student or the
 * course's instructor), read from the server's course view, its files streamed from the server.
 */
export const PreviewLesson = z.object({
  courseId: z.string(),
  courseTitle: z.string(),
  /** The visitor is enrolled: the lesson also opens in the study view, with progress. */
  enrolled: z.boolean(),
  module: z.object({ id: z.string(), title: z.string() }),
  lesson: LessonView,
  /** The course came from the server, or (offline) from the copy saved on this device. */
  source: DataSource,
  /** Null for text and quiz lessons. */
  media: PreviewMedia.nullable(),
  /** The open lessons before and after this one in the course (to move between previews). */
  previousLessonId: z.string().nullable(),
  nextLessonId: z.string().nullable(),
});
export type PreviewLesson = z.infer<typeof PreviewLesson>;
