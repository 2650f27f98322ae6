import type {
  EnrollmentStatus,
  MyEnrollment,
  Roster,
  RosterAddRequest,
  RosterEntry,
} from '@lyceum/contracts';
import { ApiError } from '../../http/errors.ts';
import type { Caller } from '../../http/route.ts';
import type { CatalogReader, CourseStructure } from '../catalog/reader.ts';
import type { LearnerFacts, ProgressSummaries } from '../progress/summary.ts';
import { requireCourseStaff } from './access.ts';
import { hasAccess, toEnrollment, type EnrollmentService } from './service.ts';
import type { EnrollmentRow } from './tables.ts';
import { contactsOf, type UserDirectory } from './users.ts';

export interface LearningDeps {
  service: EnrollmentService;
  catalog: CatalogReader;
  users: UserDirectory;
  /** Resolved lazily: the progress module is composed after this one. */
  progress: () => ProgressSummaries;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** "My Learning" for students and the roster for a course's instructors. */
export function learningService({ service, catalog, users, progress }: LearningDeps) {
  async function structureOf(courseId: string): Promise<CourseStructure> {
    const s = await catalog.getStructure(courseId);
    if (!s) throw new ApiError('not_found', 'Course not found');
    return s;
  }

  async function rosterEntries(structure: CourseStructure, rows: EnrollmentRow[]): Promise<RosterEntry[]> {
    const [facts, contacts] = await Promise.all([
      progress().forCourse(
        structure,
        rows.map((r) => ({ userId: r.userId, status: r.status })),
      ),
      contactsOf(
        users,
        rows.map((r) => r.userId),
      ),
    ]);
    return rows
      .map((r) => {
        const f = facts.get(r.userId) as LearnerFacts;
        const c = contacts.get(r.userId);
        return {
          userId: r.userId,
          name: c?.name ?? '',
          email: c?.email ?? '',
          status: r.status,
          source: r.source,
          enrolledAt: r.enrolledAt.toISOString(),
          completedAt: iso(r.completedAt),
          droppedAt: iso(r.droppedAt),
          progressPercent: f.progressPercent,
          grade: f.grade,
          lastActivityAt: iso(f.lastActivityAt),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name) || a.email.localeCompare(b.email));
  }

  return {
    async myEnrollments(userId: string, status?: EnrollmentStatus): Promise<MyEnrollment[]> {
      const rows = await service.listForUser(userId, status);
      const structures = await Promise.all(rows.map((r) => catalog.getStructure(r.courseId)));
      const known = rows.flatMap((r, i) => {
        const structure = structures[i];
        return structure ? [{ row: r, structure }] : [];
      });
      const summaries = await progress().forUser(
        userId,
        known.map((k) => ({ structure: k.structure, status: k.row.status })),
      );
      const items = known.map(({ row, structure }) => {
        const s = summaries.get(row.courseId)!;
        const { course } = structure;
        return {
          ...toEnrollment(row),
          course: { id: course.id, title: course.title, status: course.status },
          progressPercent: s.progressPercent,
          completedLessons: s.completedLessons,
          requiredLessons: s.requiredLessons,
          grade: s.grade,
          lastActivityAt: iso(s.lastActivityAt),
          nextLesson: row.status === 'completed' ? null : s.nextLesson,
          upcomingDue: row.status === 'active' ? s.upcomingDue : [],
        };
      });
      // Most recently studied first; never-studied ones by enrollment date.
      const key = (e: MyEnrollment) => e.lastActivityAt ?? e.enrolledAt;
      return items.sort((a, b) => key(b).localeCompare(key(a)));
    },

    async roster(courseId: string, caller: Caller, status?: EnrollmentStatus): Promise<Roster> {
      await requireCourseStaff(catalog, courseId, caller);
      const structure = await structureOf(courseId);
      const all = await service.listForCourse(courseId);
      const counts = { active: 0, completed: 0, dropped: 0, refunded: 0 };
      for (const r of all) counts[r.status] += 1;
      const rows = status ? all.filter((r) => r.status === status) : all;
      return { courseId, counts, items: await rosterEntries(structure, rows) };
    },

    /** Instructors and admins add a student (paid courses and unmet prerequisites included). */
    async add(courseId: string, caller: Caller, who: RosterAddRequest): Promise<RosterEntry> {
      await requireCourseStaff(catalog, courseId, caller);
      const course = await service.requirePublished(courseId);
      const user = 'email' in who ? await users.findByEmail(who.email) : await users.findById(who.userId);
      if (!user) throw new ApiError('not_found', 'No account with this email or id');
      const existing = await service.get(courseId, user.id);
      if (existing && hasAccess(existing.status))
        throw new ApiError('already_enrolled', 'This student is already enrolled', {
          status: existing.status,
        });
      const row = await service.admit(course, user.id, 'instructor');
      const [entry] = await rosterEntries(await structureOf(courseId), [row]);
      return entry!;
    },

    async remove(courseId: string, caller: Caller, userId: string): Promise<void> {
      await requireCourseStaff(catalog, courseId, caller);
      if (await service.drop(courseId, userId)) return;
      if (!(await service.get(courseId, userId)))
        throw new ApiError('not_found', 'This student is not enrolled in this course');
    },
  };
}
export type LearningService = ReturnType<typeof learningService>;
