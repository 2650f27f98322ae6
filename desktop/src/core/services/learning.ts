import { uuidv7 } from 'uuidv7';
import {
  normalizeIntervals,
  unionIntervals,
  watchedSeconds,
  type CourseDetail,
  type Preferences,
  type QuizAttemptInput,
} from '@lyceum/contracts';
import type { AnalyticsRecorder } from '../analytics/recorder.ts';
import type { VideoEventBody } from '../../contracts/analytics.ts';
import { WATCHED_TO_COMPLETE, type WatchBody, type WatchState } from '../../contracts/content.ts';
import type { Downloads } from '../downloads/index.ts';
import { CoreError } from '../errors.ts';
import type {
  AttemptBody,
  LearningList,
  StudyCourse,
  StudyLesson,
  UnenrollResult,
} from '../../contracts/learning.ts';
import { ServerError } from '../server/errors.ts';
import type { CatalogCache } from '../store/catalog-cache.ts';
import type { LocalDb } from '../store/open.ts';
import { putEnrollment, readEnrollment } from '../sync/apply-changes.ts';
import type { SyncEngine } from '../sync/engine.ts';
import { findLesson, readCourseDetail, readLesson, readPreferences } from '../sync/local-state.ts';
import type { SyncTransport } from '../sync/transport.ts';
import type { ConnectivityMonitor } from './connectivity.ts';
import { learningItem, learningList, lessonStatuses, studyLesson } from './learning-read.ts';
import { offlineCopies } from './offline-copies.ts';
import { asCoreError } from './session.ts';

export interface LearningDeps {
  db: LocalDb;
  cache: CatalogCache;
  sync: SyncEngine;
  transport: SyncTransport;
  connectivity: ConnectivityMonitor;
  /** The media of offline copies (video, slides, attachments). */
  downloads: Downloads;
  /** Learning events for analytics (recorded on the device, uploaded later); never fails an action. */
  recorder?: AnalyticsRecorder;
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
    if (!item || item.status === 'dropped' || item.status === 'refunded')
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

  const offline = offlineCopies({ db: d.db, downloads: d.downloads, online, storeCourse });

  function watchStateOf(lessonId: string): WatchState {
    const s = readLesson(d.db, lessonId);
    const intervals = s?.watchedIntervals ?? [];
    return {
      lessonId,
      positionSeconds: s?.positionSeconds ?? null,
      watchedIntervals: intervals,
      watchedSeconds: watchedSeconds(intervals),
      completed: s?.completed ?? false,
    };
  }

  /** The same function, refused while nobody is signed in. */
  const signedIn =
    <A extends unknown[], R>(f: (...args: A) => R) =>
    (...args: A): R => {
      requireUser();
      return f(...args);
    };

  function requireVideoLesson(courseId: string, lessonId: string): void {
    const found = findLesson(requireEnrolled(courseId), lessonId);
    if (!found) throw new CoreError('not_found', 'This lesson is not part of the course.');
    if (found.lesson.kind !== 'video') throw new CoreError('not_found', 'This lesson has no video.');
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

    /** The lesson page was opened (the local API's lesson route; internal reads are not openings). */
    openLesson(courseId: string, lessonId: string): StudyLesson {
      const view = this.lesson(courseId, lessonId);
      d.recorder?.lessonOpened(courseId, lessonId);
      return view;
    },

    /** A video player event (played, paused, seeked, reached the end), for analytics only. */
    videoEvent(courseId: string, lessonId: string, body: VideoEventBody): void {
      requireVideoLesson(courseId, lessonId);
      d.recorder?.videoEvent(courseId, lessonId, body);
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

    /**
     * Leave a course: online only, like enrolling. Changes still waiting in the outbox go up first, so the progress the
     * server keeps for the dropped enrollment is complete. The local enrollment becomes dropped at once (the next pull
     * confirms it); lesson progress stays, as on the server. The offline copy's files go (the course cannot be studied).
     */
    async unenroll(courseId: string): Promise<UnenrollResult> {
      const userId = d.sync.prepare();
      if (!userId) throw new CoreError('signed_out', 'Sign in to manage your courses.');
      if (d.sync.outbox.pendingCount(userId) > 0) await d.sync.syncNow();
      try {
        await d.transport.unenroll(courseId);
      } catch (err) {
        throw asCoreError(
          err,
          'Leaving a course needs the server, and it cannot be reached right now. Try again when you are back online.',
        );
      }
      const stored = readEnrollment(d.db, courseId);
      if (stored) putEnrollment(d.db, { ...stored, status: 'dropped' }, new Date().toISOString());
      await offline.disable(courseId);
      void d.sync.syncNow();
      return { courseId, enrollment: learningItem(d.db, courseId) };
    },

    /**
     * "Available offline": keep the course's structure, lessons and media (video of the preferred quality, slides,
     * attachments) on this device; off removes the offline copy and its files.
     */
    async setOffline(courseId: string, enabled: boolean): Promise<StudyCourse> {
      requireUser();
      if (enabled) await offline.enable(courseId);
      else await offline.disable(courseId);
      return this.course(courseId);
    },

    /** Retry offline copies that failed or were requested offline, refresh complete ones now and then (after a sync). */
    resumeDownloads: () => offline.resumeAll(),

    /** A pull changed these courses: offline copies among them fetch their new content (offline-copies.ts). */
    contentChanged: (courseIds: string[]) => offline.contentChanged(courseIds),

    /** Download progress, pause/resume, verify and disk usage of offline copies. */
    offline: {
      list: signedIn(offline.list),
      progress: signedIn(offline.progress),
      pause: signedIn(offline.pause),
      resume: signedIn(offline.resume),
      verify: signedIn(offline.verify),
      updateNow: signedIn(offline.updateNow),
      notices: signedIn(() => offline.notices()),
      dismissNotices: signedIn((courseId: string) => offline.dismissNotices(courseId)),
      lessonOffline: offline.lessonOffline,
      checkSoon: offline.checkSoon,
    },

    /** Where the student is in a lesson's video and what they watched (this device's view, pending changes included). */
    watchState(courseId: string, lessonId: string): WatchState {
      requireVideoLesson(courseId, lessonId);
      return watchStateOf(lessonId);
    },

    /**
     * Record watching: the position and the stretches played since the last report, as one progress event in the
     * outbox. The lesson completes once the watched stretches cover 90% of the video.
     */
    watch(courseId: string, lessonId: string, body: WatchBody): WatchState {
      requireVideoLesson(courseId, lessonId);
      const duration = body.durationSeconds;
      const clamp = (x: number) => Math.min(Math.max(x, 0), duration);
      const intervals = normalizeIntervals(body.watchedIntervals.map(([a, b]) => [clamp(a), clamp(b)]));
      const position = clamp(body.positionSeconds);
      const before = readLesson(d.db, lessonId);
      const union = unionIntervals(before?.watchedIntervals ?? [], intervals);
      const newlyWatched = watchedSeconds(union) > watchedSeconds(before?.watchedIntervals ?? []);
      const moved = Math.abs((before?.positionSeconds ?? -1) - position) >= 0.5;
      if (!newlyWatched && !moved) return watchStateOf(lessonId);
      const complete = !before?.completed && watchedSeconds(union) >= WATCHED_TO_COMPLETE * duration;
      d.sync.record({
        name: 'recordProgress',
        args: {
          id: uuidv7(),
          courseId,
          lessonId,
          positionSeconds: position,
          ...(newlyWatched ? { watchedIntervals: intervals } : {}),
          ...(complete ? { completed: true } : {}),
          occurredAt: new Date().toISOString(),
        },
      });
      if (complete)
        d.recorder?.videoLessonCompleted(courseId, lessonId, { position, watched: union, length: duration });
      return watchStateOf(lessonId);
    },

    complete(courseId: string, lessonId: string): StudyLesson {
      const detail = requireEnrolled(courseId);
      if (!findLesson(detail, lessonId))
        throw new CoreError('not_found', 'This lesson is not part of the course.');
      const wasCompleted = readLesson(d.db, lessonId)?.completed ?? false;
      d.sync.record({
        name: 'recordProgress',
        args: { id: uuidv7(), courseId, lessonId, completed: true, occurredAt: new Date().toISOString() },
      });
      if (!wasCompleted) d.recorder?.lessonCompleted(courseId, lessonId);
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
      const wasCompleted = readLesson(d.db, lessonId)?.completed ?? false;
      d.sync.record({ name: 'submitQuizAttempt', args });
      d.recorder?.quizSubmitted(args, { wasCompleted });
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
