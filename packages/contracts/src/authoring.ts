import { z } from 'zod';
import { CourseCreate, CoursePatch, LessonInput, ModuleInput, QuizInput } from './catalog.ts';
import { Id, IsoDateTime, Text } from './common.ts';

/**
 * Authoring through the sync protocol (issue 15). Edits go to the course's draft, never to what students study: the
 * draft reaches them on publishCourse. Ids are made by the device (offline creations need no server round trip).
 * Every edit carries `baseVersion`, the draft version it was made on: a stale one is rejected with version_conflict
 * (details: currentVersion, updatedBy, updatedAt and `current`, the server's copy of what the edit touched).
 */
const onDraft = { courseId: Id, baseVersion: z.number().int().min(1) };
const position = z.number().int().min(0).max(1000);

/** Course details an edit may change (the structure has its own mutations; instructors stay with the HTTP API). */
export const DraftDetailsPatch = CoursePatch.omit({ version: true, modules: true, instructorIds: true });

/** Lesson fields an edit may change, each optional (no defaults: what is left out is kept). */
export const LessonPatch = z
  .object({
    title: Text().trim().min(1).max(200),
    kind: LessonInput.shape.kind,
    durationMinutes: z.number().int().min(0).max(10_000),
    isPreview: z.boolean(),
    required: z.boolean(),
    dueAt: IsoDateTime.nullable(),
    releaseAt: IsoDateTime.nullable(),
    body: Text().max(200_000),
  })
  .partial()
  .strict();

export const AuthoringArgs = {
  createCourse: CourseCreate.omit({ instructorIds: true }).extend({ courseId: Id }).strict(),
  updateCourse: z.object({ ...onDraft, patch: DraftDetailsPatch }).strict(),
  addModule: z
    .object({ ...onDraft, moduleId: Id, title: ModuleInput.shape.title, position: position.optional() })
    .strict(),
  updateModule: z.object({ ...onDraft, moduleId: Id, title: ModuleInput.shape.title }).strict(),
  moveModule: z.object({ ...onDraft, moduleId: Id, position }).strict(),
  deleteModule: z.object({ ...onDraft, moduleId: Id }).strict(),
  addLesson: z
    .object({
      ...onDraft,
      moduleId: Id,
      lesson: LessonInput.extend({ id: Id }),
      position: position.optional(),
    })
    .strict(),
  updateLesson: z.object({ ...onDraft, lessonId: Id, patch: LessonPatch }).strict(),
  moveLesson: z.object({ ...onDraft, lessonId: Id, moduleId: Id, position }).strict(),
  deleteLesson: z.object({ ...onDraft, lessonId: Id }).strict(),
  putQuiz: z.object({ ...onDraft, lessonId: Id, quiz: QuizInput }).strict(),
  publishCourse: z.object(onDraft).strict(),
  unpublishCourse: z.object({ courseId: Id }).strict(),
  archiveCourse: z.object({ courseId: Id }).strict(),
} as const;
export type AuthoringName = keyof typeof AuthoringArgs;
export const authoringNames = Object.keys(AuthoringArgs) as AuthoringName[];

/** The instructor's working copy of a course, as authoring mutations leave it (pulled back to all their devices). */
export const CourseDraftDoc = z.object({
  details: CourseCreate.omit({ modules: true, instructorIds: true }),
  modules: z.array(ModuleInput),
});
export type CourseDraftDoc = z.infer<typeof CourseDraftDoc>;

export const CourseDraft = z
  .object({
    courseId: Id,
    version: z.number().int(),
    status: z.enum(['draft', 'published', 'archived']),
    doc: CourseDraftDoc,
    updatedBy: Id.nullable(),
    updatedAt: IsoDateTime,
  })
  .meta({ id: 'CourseDraft' });
export type CourseDraft = z.infer<typeof CourseDraft>;
