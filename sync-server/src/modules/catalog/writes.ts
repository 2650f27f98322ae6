import { eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { CourseCreate, CoursePatch, type CourseDetail } from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { platformEvents, recordPlatformEvent } from '../analytics/collector/sources/outbox.ts';
import { scheduleLessonJobs } from '../notifications/schedule/jobs.ts';
import {
  invalid,
  parseInput,
  requireEditable,
  resolveActor,
  type Actor,
  type EnrollmentCheck,
  type UserDirectory,
  type Viewer,
} from './access.ts';
import { loadBundle, toDetail } from './detail.ts';
import { checkInstructors, writeInstructors, writePrerequisites } from './relations.ts';
import { refreshDerived, replaceStructure } from './structure.ts';
import { nowMs, pgCode } from './sqlutil.ts';
import { courses } from './tables.ts';
import { normalizeTags, publishProblems, structureIssues } from './validate.ts';

export interface WriteDeps {
  db: Db;
  users: UserDirectory;
  enrollments: EnrollmentCheck;
  /** Called after every committed change of a course (drops caches). */
  changed: (courseId: string) => void;
}

/** Lessons removed from a course may still be referenced by student records elsewhere. */
async function guardReferences<T>(work: () => Promise<T>, message: string): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (pgCode(err) === '23503') throw new ApiError('conflict', message);
    throw err;
  }
}

const priceColumns = (price: { amountCents: number; currency: string } | null) =>
  price ? { priceCents: price.amountCents, currency: price.currency } : { priceCents: 0, currency: null };

export function courseWriter({ db, users, enrollments, changed }: WriteDeps) {
  async function freshDetail(id: string, viewer: Viewer): Promise<CourseDetail> {
    const bundle = await loadBundle(db, id);
    if (!bundle) throw new ApiError('not_found', 'Course not found');
    return toDetail(bundle, viewer);
  }

  /** A stale base version: refused, never an overwrite; the caller gets the current copy to show beside its own. */
  async function versionConflict(
    id: string,
    viewer: Viewer,
    row: { version: number; updatedAt: Date; updatedBy: string | null },
  ): Promise<ApiError> {
    const current = await freshDetail(id, viewer);
    return new ApiError('version_conflict', 'The course was changed since your edit was based on it', {
      currentVersion: row.version,
      updatedAt: row.updatedAt.toISOString(),
      updatedBy: row.updatedBy,
      current,
    });
  }

  const editorView = (v: Partial<Viewer> & Pick<Viewer, 'caller'>): Viewer => ({
    canEdit: true,
    isAdmin: v.caller?.role === 'admin',
    isOwner: false,
    enrolled: false,
    ...v,
  });

  /**
   * Refuse (422 publish_blocked, with the problems) a course that is not ready to publish as `title` and `modules` say:
   * what publishProblems checks, a ready file of its kind in every video and slides lesson (unless `requireMedia` is
   * false), and published prerequisites (`prerequisiteIds`, else the course's own).
   */
  async function requirePublishable(
    id: string,
    title: string,
    modules: Parameters<typeof publishProblems>[1],
    opts: { requireMedia?: boolean; prerequisiteIds?: readonly string[] } = {},
  ): Promise<void> {
    let ready: Set<string> | undefined;
    if (opts.requireMedia ?? true) {
      const media = modules
        .flatMap((m) => m.lessons)
        .filter((l) => l.kind === 'video' || l.kind === 'slides');
      const ids = media.flatMap((l) => (l.id ? [l.id] : []));
      const rows = ids.length
        ? (
            await db.execute<{ lesson_id: string; kind: string }>(sql`
              SELECT DISTINCT lesson_id, kind FROM content_assets
              WHERE course_id = ${id} AND status = 'ready' AND lesson_id = ANY(${`{${ids.join(',')}}`}::uuid[])`)
          ).rows
        : [];
      const kindOf = new Map(media.map((l) => [l.id, l.kind]));
      ready = new Set(rows.filter((r) => kindOf.get(r.lesson_id) === r.kind).map((r) => r.lesson_id));
    }
    const problems = publishProblems(title, modules, ready);
    const drafts = opts.prerequisiteIds
      ? await db.execute<{ id: string; title: string }>(sql`
          SELECT id, title FROM courses
          WHERE id = ANY(${`{${opts.prerequisiteIds.join(',')}}`}::uuid[]) AND status = 'draft'`)
      : await db.execute<{ id: string; title: string }>(sql`
          SELECT c.id, c.title FROM course_prerequisites cp JOIN courses c ON c.id = cp.prerequisite_id
          WHERE cp.course_id = ${id} AND c.status = 'draft'`);
    for (const d of drafts.rows)
      problems.push({
        code: 'prerequisite_not_published',
        path: 'prerequisiteIds',
        message: `The prerequisite "${d.title}" (${d.id}) is not published yet`,
      });
    if (problems.length)
      throw new ApiError('publish_blocked', 'The course is not ready to publish', { problems });
  }

  async function setStatus(
    actor: Actor,
    id: string,
    to: 'published' | 'archived' | 'draft',
    requireMedia = true,
  ): Promise<CourseDetail> {
    const caller = await resolveActor(users, actor);
    const { course, viewer } = await requireEditable(db, enrollments, caller, id, { ownerOnly: true });
    if (course.status !== to) {
      if (to === 'published') {
        const bundle = await loadBundle(db, id);
        if (!bundle) throw new ApiError('not_found', 'Course not found');
        await requirePublishable(id, bundle.course.title, bundle.structure.modules, { requireMedia });
      }
      await db.transaction(async (tx) => {
        await tx
          .update(courses)
          .set({
            status: to,
            version: sql`${courses.version} + 1`,
            updatedAt: nowMs,
            updatedBy: caller.id,
            ...(to === 'published' ? { publishedAt: sql`COALESCE(${courses.publishedAt}, ${nowMs})` } : {}),
          })
          .where(eq(courses.id, id));
        // The analytics platform event, committed with the change (transactional outbox).
        if (to === 'published') await recordPlatformEvent(tx, platformEvents.published(caller.id, id));
        // Reminders that ran while it was a draft found nobody to remind: schedule them again.
        if (to === 'published') await scheduleLessonJobs(tx, id);
      });
      changed(id);
    }
    return freshDetail(id, viewer);
  }

  return {
    /** Create a draft course; the creator becomes its owner and first instructor. */
    async createCourse(
      actor: Actor,
      input: z.input<typeof CourseCreate>,
      opts: { id?: string } = {},
    ): Promise<CourseDetail> {
      const caller = await resolveActor(users, actor);
      if (caller.role === 'student')
        throw new ApiError('forbidden', 'Only instructors and admins may create courses');
      const body = parseInput(CourseCreate, input);
      const modules = body.modules ?? [];
      const issues = structureIssues(modules);
      if (issues.length) invalid('The course structure is invalid', issues);
      const instructors = await checkInstructors(users, caller.id, body.instructorIds ?? []);
      const tags = normalizeTags(body.tags ?? []);
      const id = opts.id ?? newId();
      await db.transaction(async (tx) => {
        await tx.insert(courses).values({
          id,
          ownerId: caller.id,
          title: body.title,
          description: body.description ?? '',
          subject: body.subject,
          tags,
          tagsText: tags.join(' '),
          language: body.language ?? 'en',
          type: body.type ?? 'self_paced',
          level: body.level ?? 'beginner',
          ...priceColumns(body.price ?? null),
          coverImageUrl: body.coverImageUrl ?? null,
          createdAt: nowMs,
          updatedAt: nowMs,
          updatedBy: caller.id,
        });
        await writeInstructors(tx, id, instructors);
        if (body.prerequisiteIds?.length) await writePrerequisites(tx, id, body.prerequisiteIds);
        if (modules.length) {
          await replaceStructure(tx, id, modules);
          await refreshDerived(tx, id);
          // Deadline reminders and scheduled releases, committed with the lessons (notifications/schedule).
          await scheduleLessonJobs(tx, id);
        }
      });
      changed(id);
      return freshDetail(id, editorView({ caller, isOwner: true }));
    },

    /**
     * Partial update by an instructor of the course or an admin. Changing the instructor list is for the owner and admins.
     * `version` is required: a stale one is refused (409 version_conflict: details.currentVersion, updatedAt, updatedBy and
     * the current copy), never applied. Every edit bumps the version.
     */
    async updateCourse(actor: Actor, id: string, input: z.input<typeof CoursePatch>): Promise<CourseDetail> {
      const caller = await resolveActor(users, actor);
      const patch = parseInput(CoursePatch, input);
      const { course, viewer } = await requireEditable(db, enrollments, caller, id, {
        ownerOnly: patch.instructorIds !== undefined,
      });
      if (patch.modules) {
        const issues = structureIssues(patch.modules);
        if (issues.length) invalid('The course structure is invalid', issues);
        if (course.status === 'published') {
          const problems = publishProblems(patch.title ?? course.title, patch.modules);
          if (problems.length)
            throw new ApiError('course_incomplete', 'A published course must stay complete', { problems });
        }
      }
      const instructors = patch.instructorIds
        ? await checkInstructors(users, course.ownerId, patch.instructorIds)
        : null;
      const { version, modules, instructorIds: _i, prerequisiteIds, tags: rawTags, price, ...fields } = patch;
      const tags = rawTags ? normalizeTags(rawTags) : undefined;
      const edits = Object.keys(patch).filter((k) => k !== 'version').length;
      let stale: { version: number; updatedAt: Date; updatedBy: string | null } | null = null;
      await guardReferences(
        () =>
          db.transaction(async (tx) => {
            const [row] = await tx
              .select({
                version: courses.version,
                updatedAt: courses.updatedAt,
                updatedBy: courses.updatedBy,
              })
              .from(courses)
              .where(eq(courses.id, id))
              .for('update');
            if (!row) throw new ApiError('not_found', 'Course not found');
            if (version !== row.version) stale = row;
            if (stale) return;
            if (!edits) return;
            await tx
              .update(courses)
              .set({
                ...fields,
                ...(tags ? { tags, tagsText: tags.join(' ') } : {}),
                ...(price !== undefined ? priceColumns(price) : {}),
                version: sql`${courses.version} + 1`,
                updatedAt: nowMs,
                updatedBy: caller.id,
              })
              .where(eq(courses.id, id));
            if (instructors) await writeInstructors(tx, id, instructors);
            if (prerequisiteIds)
              await writePrerequisites(tx, id, prerequisiteIds, { published: course.status === 'published' });
            if (modules) {
              await replaceStructure(tx, id, modules);
              await refreshDerived(tx, id);
              await scheduleLessonJobs(tx, id);
            }
          }),
        'Some lessons or questions you removed have student records attached; keep them, or archive the course instead',
      );
      if (stale) throw await versionConflict(id, viewer, stale);
      if (edits) changed(id);
      return freshDetail(id, viewer);
    },

    /** Hard delete by the owner or an admin; refused while the course has enrollments (archive it instead). */
    async deleteCourse(actor: Actor, id: string): Promise<void> {
      const caller = await resolveActor(users, actor);
      const { course } = await requireEditable(db, enrollments, caller, id, { ownerOnly: true });
      const count = enrollments.countEnrollments
        ? await enrollments.countEnrollments(id)
        : course.enrollmentCount;
      const refuse = (n: number | null) =>
        new ApiError(
          'course_has_enrollments',
          'Students are enrolled in this course; archive it instead of deleting it',
          {
            ...(n === null ? {} : { enrollmentCount: n }),
            suggestion: `POST /api/v1/courses/${id}/archive`,
          },
        );
      if (count > 0) throw refuse(count);
      try {
        await db.delete(courses).where(eq(courses.id, id));
      } catch (err) {
        if (pgCode(err) === '23503') throw refuse(null);
        throw err;
      }
      changed(id);
    },

    /**
     * Owner or admin. Publish (or re-open an archived course): needs a title, a lesson, quizzes with questions, a ready
     * file in video and slides lessons (`requireMedia: false` only for trusted set-up such as the demo seed, which
     * attaches its media afterwards), and published prerequisites; else 422 publish_blocked with the problems.
     */
    requirePublishable,
    publish: (actor: Actor, id: string, opts: { requireMedia?: boolean } = {}) =>
      setStatus(actor, id, 'published', opts.requireMedia ?? true),
    /** Owner or admin. Unpublish: back to a draft (out of the catalog; enrolled students' records are kept). */
    unpublish: (actor: Actor, id: string) => setStatus(actor, id, 'draft'),
    /** Owner or admin. Archive: hidden from the catalog and from new enrollments; enrolled students keep access. */
    archive: (actor: Actor, id: string) => setStatus(actor, id, 'archived'),
  };
}
export type CourseWriter = ReturnType<typeof courseWriter>;
