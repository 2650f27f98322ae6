import {
  CourseSummary,
  type CourseDetail,
  type CourseDraft,
  type LessonProgress,
  type MyEnrollment,
  type Notification,
  type Preferences,
  type QuizAttemptList,
} from '@lyceum/contracts';
import { ApiError } from '../../http/errors.ts';
import type { Caller } from '../../http/route.ts';
import type { CatalogModule } from '../catalog/index.ts';
import type { EnrollmentModule } from '../enrollment/index.ts';
import type { IdentityModule } from '../identity/index.ts';
import type { ProgressModule } from '../progress/index.ts';
import type { InboxService } from '../notifications/inbox.ts';

export type AttemptView = QuizAttemptList['items'][number];
export type LessonState = LessonProgress & { courseId: string };

/**
 * Where a pull reads the current state of what changed: the owning modules' services, nothing else. Each answers
 * null (or leaves an id out) when the entity is gone or out of the caller's reach: the pull sends a tombstone.
 */
export interface SyncSources {
  /** Published catalog metadata. */
  courseSummary(id: string): Promise<CourseSummary | null>;
  /** A page of the published catalog, for the initial snapshot; `after` is the catalog's own cursor. */
  catalogPage(after: string | null, limit: number): Promise<{ items: CourseSummary[]; next: string | null }>;
  /** The course as this caller may see it (answer keys hidden as the catalog decides). */
  courseDetail(caller: Caller, id: string): Promise<CourseDetail | null>;
  /** Ids of courses whose structure the caller keeps: enrolled (active or completed) and taught. */
  coursesInScope(userId: string): Promise<string[]>;
  /** Every enrollment of the user (dropped included) with its derived progress. */
  enrollments(userId: string): Promise<MyEnrollment[]>;
  /** Lesson states of the user in a course (lessons with any activity); null when they never enrolled. */
  lessonStates(userId: string, courseId: string): Promise<LessonState[] | null>;
  /** The user's attempts in a course; null when they never enrolled. */
  attempts(userId: string, courseId: string): Promise<AttemptView[] | null>;
  preferences(userId: string): Promise<Preferences>;
  /** The user's notifications with these ids; null: the newest ones (an initial sync). */
  notifications(userId: string, ids: string[] | null): Promise<Notification[]>;
  /** The working copy of a course the caller teaches (authoring); null for anyone else or without authoring. */
  courseDraft(caller: Caller, courseId: string): Promise<CourseDraft | null>;
  /** Courses the user teaches that have a stored draft (initial sync). */
  draftIds(userId: string): Promise<string[]>;
}

const orNull = async <T>(
  p: Promise<T>,
  codes: string[] = ['not_found', 'not_enrolled', 'forbidden'],
): Promise<T | null> => {
  try {
    return await p;
  } catch (err) {
    if (err instanceof ApiError && codes.includes(err.code)) return null;
    throw err;
  }
};

export interface SourceModules {
  identity: Pick<IdentityModule, 'accounts'>;
  /** The catalog's reads that never come from a cache (see CatalogModule['fresh']). */
  catalog: Pick<CatalogModule, 'fresh'> & Partial<Pick<CatalogModule, 'authoring'>>;
  enrollment: Pick<EnrollmentModule, 'listForUser' | 'learning'>;
  progress: Pick<ProgressModule, 'reports'>;
  /** The notifications module's inbox (read when a pull needs it: the module may be composed after sync). */
  notifications?: { readonly inbox: Pick<InboxService, 'byIds' | 'recent'> };
}

export function moduleSources(modules: SourceModules): SyncSources {
  const { identity, catalog, enrollment, progress } = modules;
  const anonymous = null;
  const courses = catalog.fresh;
  return {
    async courseSummary(id) {
      const detail = await orNull(courses.getCourse(anonymous, id));
      if (!detail || detail.status !== 'published') return null;
      return CourseSummary.parse(detail);
    },
    async catalogPage(after, limit) {
      return courses.publishedPage(after, limit);
    },
    courseDetail: (caller, id) => orNull(courses.getCourse(caller, id)),
    async coursesInScope(userId) {
      const ids = new Set<string>();
      for (const e of await enrollment.listForUser(userId))
        if (e.status === 'active' || e.status === 'completed') ids.add(e.courseId);
      let cursor: string | undefined;
      do {
        const page = await courses.teaching(userId, { limit: 100, ...(cursor ? { cursor } : {}) });
        for (const c of page.items) ids.add(c.id);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return [...ids].sort();
    },
    enrollments: (userId) => enrollment.learning.myEnrollments(userId),
    async lessonStates(userId, courseId) {
      const p = await orNull(progress.reports.myProgress(userId, courseId));
      if (!p) return null;
      return p.lessons
        .filter((l) => l.lastActivityAt !== null || l.completed)
        .map((l) => ({
          courseId,
          lessonId: l.lessonId,
          positionSeconds: l.positionSeconds,
          watchedIntervals: l.watchedIntervals,
          watchedSeconds: l.watchedSeconds,
          completed: l.completed,
          completedAt: l.completedAt,
          lastActivityAt: l.lastActivityAt,
        }));
    },
    async attempts(userId, courseId) {
      const r = await orNull(progress.reports.myAttempts(userId, courseId));
      return r ? r.items : null;
    },
    preferences: (userId) => identity.accounts.getPreferences(userId),
    async courseDraft(caller, courseId) {
      const authoring = catalog.authoring;
      return authoring ? orNull(authoring.draftFor(caller, courseId)) : null;
    },
    async draftIds(userId) {
      return catalog.authoring ? catalog.authoring.draftIdsOf(userId) : [];
    },
    async notifications(userId, ids) {
      const inbox = modules.notifications?.inbox;
      if (!inbox) return [];
      return ids === null ? inbox.recent(userId) : inbox.byIds(userId, ids);
    },
  };
}
