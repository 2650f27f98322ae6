import { z } from 'zod';
import {
  CourseDetail,
  DueItem,
  EnrollmentStatus,
  GivenAnswers,
  IsoDateTime,
  LessonView,
  NextLesson,
  Preferences,
  QuizGrade,
} from '@lyceum/contracts';

/** The local API of offline study (My Learning, lessons, quizzes, preferences). Server payloads come from contracts. */

export const OfflineState = z.object({
  enabled: z.boolean(),
  state: z.enum(['downloading', 'ready', 'failed']),
  /** Lessons whose content is on this device (text, quizzes, and video/slide lessons once their files are) / all lessons. */
  storedItems: z.number().int(),
  totalItems: z.number().int(),
  /** Video and slide lessons (their files' progress: GET /api/downloads/:id). */
  mediaLessons: z.number().int(),
  error: z.string().nullable(),
  updatedAt: IsoDateTime,
});
export type OfflineState = z.infer<typeof OfflineState>;

export const LearningItem = z.object({
  courseId: z.string(),
  title: z.string(),
  status: EnrollmentStatus,
  enrolledAt: IsoDateTime,
  completedAt: IsoDateTime.nullable(),
  progressPercent: z.number(),
  completedLessons: z.number().int(),
  requiredLessons: z.number().int(),
  lastActivityAt: IsoDateTime.nullable(),
  nextLesson: NextLesson.nullable(),
  upcomingDue: z.array(DueItem),
  /** The course structure is on this device (it can be studied offline). */
  structureStored: z.boolean(),
  offline: OfflineState.nullable(),
});
export type LearningItem = z.infer<typeof LearningItem>;

export const LearningList = z.object({ items: z.array(LearningItem), online: z.boolean() });
export type LearningList = z.infer<typeof LearningList>;

/** POST /api/learning/:id/unenroll: the enrollment as this device now keeps it (dropped; null if never stored). */
export const UnenrollResult = z.object({ courseId: z.string(), enrollment: LearningItem.nullable() });
export type UnenrollResult = z.infer<typeof UnenrollResult>;

export const LessonStatus = z.object({
  completed: z.boolean(),
  completedAt: IsoDateTime.nullable(),
  lastActivityAt: IsoDateTime.nullable(),
});
export type LessonStatus = z.infer<typeof LessonStatus>;

export const StudyCourse = z.object({
  course: CourseDetail,
  enrollment: LearningItem.nullable(),
  lessons: z.record(z.string(), LessonStatus),
  online: z.boolean(),
});
export type StudyCourse = z.infer<typeof StudyCourse>;

export const AttemptView = z.object({
  id: z.string(),
  /** pending: waiting for the server; graded: the server's result; rejected: refused (see rejection). */
  state: z.enum(['pending', 'graded', 'rejected']),
  submittedAt: IsoDateTime,
  grade: QuizGrade.nullable(),
  /** Who graded it: this device (a practice or device-gradable quiz) or the server. */
  gradedBy: z.enum(['device', 'server']).nullable(),
  attemptNumber: z.number().int().nullable(),
  rejection: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type AttemptView = z.infer<typeof AttemptView>;

export const StudyLesson = z.object({
  courseId: z.string(),
  courseTitle: z.string(),
  module: z.object({ id: z.string(), title: z.string() }),
  lesson: LessonView,
  status: LessonStatus,
  attempts: z.array(AttemptView),
  /** Attempts left (null: unlimited), counting queued ones. */
  attemptsRemaining: z.number().int().nullable(),
  previousLessonId: z.string().nullable(),
  nextLessonId: z.string().nullable(),
  online: z.boolean(),
});
export type StudyLesson = z.infer<typeof StudyLesson>;

export const CourseLessonParams = z.object({ id: z.uuid(), lessonId: z.uuid() }).strict();
export const OfflineBody = z.object({ enabled: z.boolean() }).strict();
export const AttemptBody = z.object({ answers: GivenAnswers, startedAt: IsoDateTime.optional() }).strict();
export type AttemptBody = z.infer<typeof AttemptBody>;
export const RejectionParams = z.object({ id: z.uuid() }).strict();
export const PreferencesBody = Preferences;
