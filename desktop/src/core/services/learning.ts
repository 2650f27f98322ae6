import { uuidv7 } from 'uuidv7';
import type { CourseDetail, Preferences, QuizAttemptInput } from '@lyceum/contracts';
import { CoreError } from '../errors.ts';
import type { AttemptBody, LearningList, StudyCourse, StudyLesson } from '../learning-schemas.ts';
import { ServerError, ServerUnreachable } from '../server/client.ts';
import type { CatalogCache } from '../store/catalog-cache.ts';
import type { LocalDb } from '../store/open.ts';
import { offlineCourses } from '../store/tables.ts';
import { eq } from 'drizzle-orm';
import { putEnrollment } from '../sync/apply-changes.ts';
import type { SyncEngine } from '../sync/engine.ts';
import { findLesson, readCourseDetail, readPreferences } from '../sync/local-state.ts';
import type { SyncTransport } from '../sync/transport.ts';
import type { ConnectivityMonitor } from './connectivity.ts';
import { learningItem, learningList, lessonStatuses, studyLesson } from './learning-read.ts';
import { asCoreError } from './session.ts';

export interface LearningDeps {
  db: LocalDb;
  cache: CatalogCache;
  sync: SyncEngine;
  transport: SyncTransport;
  connectivity: ConnectivityMonitor;
}

const OFFLINE_KINDS = new Set(['text', 'quiz']);

/** What a course's offline copy holds: text and quiz lessons whose content is in the stored structure. */
function countStorable(detail: CourseDetail): { stored: number; total: number } {
  const lessons = detail.modules.flatMap((m) => m.lessons).filter((l) => OFFLINE_KINDS.has(l.kind));
  const stored = lessons.filter((l) =>
    l.kind === 'text' ? l.body !== undefined && !l.locked : l.quiz?.questions !== undefined,
  ).length;
  return { stored, total: lessons.length };
}

/** Offline study: My Learning, lessons, quizzes and preferences from the local store; changes go through the outbox. */
export function learningService(d: LearningDeps) {
  const online = () => d.connectivity.snapshot().online;

  function requireUser(): void {
    if (!d.sync.prepare()) throw new CoreError('signed_out', 'Sign in to study.');
  }

  function requireEnrolled(courseId: string): CourseDetail {
    requireUser();
    const item = learningItem(d.db, courseId);
    if (!item || item.status === 'dropped')
      throw new CoreError('not_enrolled', 'Enroll in this course to study it.');
    const detail = readCourseDetail(d.db, courseId);
    if (!detail)
      throw new CoreError(
        'not_cached',
        'This course is not stored on this device yet. Connect once to download it.',
      );
    return detail;
  }

  /** Fetch the course as this student sees it now and store it (structure, text, quizzes). */
  async function storeCourse(courseId: string): Promise<CourseDetail> {
    const userId = d.sync.prepare();
    const detail = await d.transport.courseDetail(courseId);
    d.cache.putDetail(detail, userId, new Date().toISOString());
    return detail;
  }

  async function download(courseId: string): Promise<void> {
    const now = () => new Date().toISOString();
    try {
      const detail = await storeCourse(courseId);
      const { stored, total } = countStorable(detail);
      d.db
        .update(offlineCourses)
        .set({ state: 'ready', storedItems: stored, totalItems: total, error: null, updatedAt: now() })
        .where(eq(offlineCourses.courseId, courseId))
        .run();
    } catch (err) {
      const message =
        err instanceof ServerUnreachable
          ? 'The server cannot be reached; the download continues when you are back online.'
          : err instanceof Error
            ? err.message
            : String(err);
      d.db
        .update(offlineCourses)
        .set({ state: 'failed', error: message, updatedAt: now() })
        .where(eq(offlineCourses.courseId, courseId))
        .run();
    }
  }

  return {
    list(): LearningList {
      if (!d.sync.prepare()) return { items: [], online: online() };
      return { items: learningList(d.db), online: online() };
    },

    course(courseId: string): StudyCourse {
      requireUser();
      const detail = readCourseDetail(d.db, courseId);
      if (!detail)
        throw new CoreError(
          'not_cached',
          'This course is not stored on this device. Open it once while online.',
        );
      return {
        course: detail,
        enrollment: learningItem(d.db, courseId),
        lessons: lessonStatuses(d.db, courseId),
        online: online(),
      };
    },

    lesson(courseId: string, lessonId: string): StudyLesson {
      requireEnrolled(courseId);
      const view = studyLesson(d.db, courseId, lessonId, online());
      if (!view) throw new CoreError('not_found', 'This lesson is not part of the course any more.');
      return view;
    },

    /** Enrolling is the server's decision: online only. The course is stored right after, ready for offline study. */
    async enroll(courseId: string): Promise<StudyCourse> {
      requireUser();
      try {
        const e = await d.transport.enroll(courseId);
        const detail = await storeCourse(courseId);
        putEnrollment(d.db, { ...e, course: { title: detail.title } }, new Date().toISOString());
      } catch (err) {
        if (err instanceof ServerError && err.code === 'already_enrolled') {
          await storeCourse(courseId).catch(() => undefined);
        } else
          throw asCoreError(
            err,
            'Enrolling needs the server, and it cannot be reached right now. Try again when you are back online.',
          );
      }
      void d.sync.syncNow();
      return this.course(courseId);
    },

    /** "Available offline": keep the course's structure and lessons on this device (and refresh them now when online). */
    async setOffline(courseId: string, enabled: boolean): Promise<StudyCourse> {
      requireUser();
      if (!enabled) {
        d.db.delete(offlineCourses).where(eq(offlineCourses.courseId, courseId)).run();
        return this.course(courseId);
      }
      const now = new Date().toISOString();
      d.db
        .insert(offlineCourses)
        .values({
          courseId,
          state: 'downloading',
          storedItems: 0,
          totalItems: 0,
          requestedAt: now,
          updatedAt: now,
        })
        .onConflictDoUpdate({
          target: offlineCourses.courseId,
          set: { state: 'downloading', error: null, updatedAt: now },
        })
        .run();
      await download(courseId);
      return this.course(courseId);
    },

    /** Retry offline copies that failed or were requested offline (called after a sync). */
    async resumeDownloads(): Promise<void> {
      if (!online()) return;
      const rows = d.db.select().from(offlineCourses).all();
      for (const r of rows) if (r.state !== 'ready') await download(r.courseId);
    },

    complete(courseId: string, lessonId: string): StudyLesson {
      const detail = requireEnrolled(courseId);
      if (!findLesson(detail, lessonId))
        throw new CoreError('not_found', 'This lesson is not part of the course.');
      d.sync.record({
        name: 'recordProgress',
        args: { id: uuidv7(), courseId, lessonId, completed: true, occurredAt: new Date().toISOString() },
      });
      return this.lesson(courseId, lessonId);
    },

    submitAttempt(courseId: string, lessonId: string, body: AttemptBody): StudyLesson {
      const detail = requireEnrolled(courseId);
      const found = findLesson(detail, lessonId);
      if (found?.lesson.kind !== 'quiz') throw new CoreError('not_found', 'This lesson is not a quiz.');
      const before = studyLesson(d.db, courseId, lessonId, online());
      if (before?.attemptsRemaining === 0)
        throw new CoreError('attempts_exhausted', 'You have used every attempt this quiz allows.');
      const args: QuizAttemptInput = {
        id: uuidv7(),
        courseId,
        lessonId,
        answers: body.answers,
        submittedAt: new Date().toISOString(),
        ...(body.startedAt ? { startedAt: body.startedAt } : {}),
      };
      d.sync.record({ name: 'submitQuizAttempt', args });
      return this.lesson(courseId, lessonId);
    },

    preferences(): Preferences {
      requireUser();
      return readPreferences(d.db);
    },

    putPreferences(p: Preferences): Preferences {
      requireUser();
      d.sync.record({ name: 'putPreferences', args: p });
      return readPreferences(d.db);
    },
  };
}
export type LearningService = ReturnType<typeof learningService>;
