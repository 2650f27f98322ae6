import { eq, sql } from 'drizzle-orm';
import { AuthoringArgs, type AuthoringName, type CourseDraft, type CourseDraftDoc } from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import type { Caller } from '../../http/route.ts';
import { parseInput, requireEditable, type EnrollmentCheck } from './access.ts';
import { loadBundle, type CourseBundle } from './detail.ts';
import { applyEdit, touched, type Edit } from './draft-ops.ts';
import { courseDrafts } from './tables.ts';
import { structureIssues } from './validate.ts';
import type { CourseWriter } from './writes.ts';

export interface AuthoringDeps {
  db: Db;
  enrollments: EnrollmentCheck;
  writes: CourseWriter;
  changed: (courseId: string) => void;
}

/** The published course as a draft document (the first edit of a course starts from what students have). */
export function bundleToDoc(b: CourseBundle): CourseDraftDoc {
  const c = b.course;
  return {
    details: {
      title: c.title,
      description: c.description,
      subject: c.subject,
      tags: c.tags,
      language: c.language,
      type: c.type,
      level: c.level,
      price: c.priceCents > 0 && c.currency ? { amountCents: c.priceCents, currency: c.currency } : null,
      coverImageUrl: c.coverImageUrl,
      prerequisiteIds: b.prerequisites.map((p) => p.id),
    },
    modules: b.structure.modules.map((m) => ({
      id: m.id,
      title: m.title,
      lessons: m.lessons.map((l) => ({
        id: l.id,
        title: l.title,
        kind: l.kind,
        durationMinutes: l.durationMinutes,
        isPreview: l.isPreview,
        required: l.required,
        dueAt: l.dueAt?.toISOString() ?? null,
        releaseAt: l.releaseAt?.toISOString() ?? null,
        body: l.body,
        ...(l.quiz
          ? {
              quiz: {
                passingPercent: l.quiz.passingPercent,
                attemptsAllowed: l.quiz.attemptsAllowed,
                graded: l.quiz.graded,
                weight: l.quiz.weight,
                deviceGradable: l.quiz.deviceGradable,
                shuffle: l.quiz.shuffle,
                questions: l.quiz.questions.map((q) => ({
                  id: q.id,
                  type: q.type,
                  prompt: q.prompt,
                  options: q.options,
                  answer: q.answer,
                  points: q.points,
                  feedback: q.feedback,
                })),
              },
            }
          : {}),
      })),
    })),
  };
}

/**
 * Authoring mutations (pushed through sync): edits of the course's draft, checked against their base version, and
 * publishing, which copies the draft to what students study. Retries of one mutation id are answered by the sync
 * log; creating a course again with its id is applied (the wish holds).
 */
export function courseAuthoring({ db, enrollments, writes, changed }: AuthoringDeps) {
  type Draft = typeof courseDrafts.$inferSelect;

  /** The draft as stored, or made from the published tables (not stored until an edit changes it). */
  async function currentDraft(courseId: string): Promise<Draft> {
    const [row] = await db.select().from(courseDrafts).where(eq(courseDrafts.courseId, courseId));
    if (row) return row;
    const bundle = await loadBundle(db, courseId);
    if (!bundle) throw new ApiError('not_found', 'Course not found');
    return {
      courseId,
      doc: bundleToDoc(bundle),
      version: bundle.course.version,
      updatedBy: bundle.course.updatedBy,
      updatedAt: bundle.course.updatedAt,
    };
  }

  const conflict = (d: Draft, current: unknown) =>
    new ApiError('version_conflict', 'The course draft was changed since this edit was made', {
      currentVersion: d.version,
      updatedBy: d.updatedBy,
      updatedAt: d.updatedAt.toISOString(),
      current,
    });

  /** The latest document this node wrote, per course (the next edit of a busy course skips reading it back). */
  const recent = new Map<string, { version: number; doc: CourseDraftDoc }>();

  /** One edit, serialized per course (row lock), refused when its base is stale. */
  async function edit(caller: Caller, courseId: string, baseVersion: number, e: Edit): Promise<unknown> {
    return db
      .transaction(async (tx) => {
        // The lock that serializes the course's edits also answers who may make them (as requireEditable does).
        const lock = await tx.execute<{ status: string; teaches: boolean }>(sql`
          SELECT status, (owner_id = ${caller.id} OR EXISTS (SELECT 1 FROM course_instructors ci
            WHERE ci.course_id = courses.id AND ci.user_id = ${caller.id})) AS teaches
          FROM courses WHERE id = ${courseId} FOR UPDATE`);
        const course = lock.rows[0];
        const canEdit = course && (caller.role === 'admin' || (caller.role !== 'student' && course.teaches));
        if (!course || (!canEdit && course.status === 'draft'))
          throw new ApiError('not_found', 'Course not found');
        if (!canEdit)
          throw new ApiError('forbidden', "Only the course's instructors and admins may change it");
        // The document is read again only when another edit (any node) moved the version past the one kept here.
        const [head] = await tx
          .select({
            version: courseDrafts.version,
            updatedBy: courseDrafts.updatedBy,
            updatedAt: courseDrafts.updatedAt,
          })
          .from(courseDrafts)
          .where(eq(courseDrafts.courseId, courseId));
        const kept = recent.get(courseId);
        const d: Draft =
          head && kept && kept.version === head.version
            ? { courseId, doc: kept.doc, ...head }
            : await currentDraft(courseId);
        if (baseVersion !== d.version) throw conflict(d, touched(d.doc, e));
        const doc = applyEdit(d.doc, e);
        const issues = structureIssues(doc.modules, 'modules');
        if (issues.length)
          throw new ApiError('validation_failed', 'The edit leaves the course invalid', { issues });
        const version = d.version + 1;
        await tx
          .insert(courseDrafts)
          .values({ courseId, doc, version, updatedBy: caller.id, updatedAt: new Date() })
          .onConflictDoUpdate({
            target: courseDrafts.courseId,
            set: { doc, version, updatedBy: caller.id, updatedAt: new Date() },
          });
        // Kept after the commit only (a rolled-back edit leaves nothing behind); documents are never mutated in place.
        return { courseId, version, doc };
      })
      .then(({ version, doc }) => {
        recent.delete(courseId);
        recent.set(courseId, { version, doc });
        if (recent.size > 200) recent.delete(recent.keys().next().value!);
        return { courseId, version };
      });
  }

  async function publish(caller: Caller, courseId: string, baseVersion: number): Promise<unknown> {
    const { course } = await requireEditable(db, enrollments, caller, courseId, { ownerOnly: true });
    const d = await currentDraft(courseId);
    if (baseVersion !== d.version) throw conflict(d, d.doc);
    const { details, modules } = d.doc;
    // The draft replaces the published copy, then the server's publish checks decide (problems listed).
    await writes.updateCourse(caller, courseId, { ...details, modules, version: course.version });
    const published = await writes.publish(caller, courseId);
    await db
      .update(courseDrafts)
      .set({ version: published.version })
      .where(eq(courseDrafts.courseId, courseId));
    changed(courseId);
    return { courseId, version: published.version, status: published.status };
  }

  /** The draft as the instructor's devices see it. */
  async function draftOf(courseId: string): Promise<CourseDraft> {
    const d = await currentDraft(courseId);
    const [row] = await db
      .execute<{ status: CourseDraft['status'] }>(sql`SELECT status FROM courses WHERE id = ${courseId}`)
      .then((r) => r.rows);
    return {
      courseId,
      version: d.version,
      status: row?.status ?? 'draft',
      doc: d.doc,
      updatedBy: d.updatedBy,
      updatedAt: d.updatedAt.toISOString(),
    };
  }

  return {
    currentDraft,
    /** Apply one authoring mutation for `caller`; throws ApiError to reject it. */
    async apply(caller: Caller, name: AuthoringName, rawArgs: unknown): Promise<unknown> {
      switch (name) {
        case 'createCourse': {
          const { courseId, ...input } = parseInput(AuthoringArgs.createCourse, rawArgs);
          const [existing] = await db
            .execute<{ owner_id: string }>(sql`SELECT owner_id FROM courses WHERE id = ${courseId}`)
            .then((r) => r.rows);
          if (existing) {
            if (existing.owner_id !== caller.id) throw new ApiError('conflict', 'This course id is taken');
            return { courseId, duplicate: true };
          }
          const c = await writes.createCourse(caller, input, { id: courseId });
          return { courseId, version: c.version };
        }
        case 'publishCourse': {
          const a = parseInput(AuthoringArgs.publishCourse, rawArgs);
          return publish(caller, a.courseId, a.baseVersion);
        }
        case 'archiveCourse': {
          const a = parseInput(AuthoringArgs.archiveCourse, rawArgs);
          const c = await writes.archive(caller, a.courseId);
          return { courseId: c.id, status: c.status };
        }
        case 'unpublishCourse': {
          const a = parseInput(AuthoringArgs.unpublishCourse, rawArgs);
          const c = await writes.unpublish(caller, a.courseId);
          return { courseId: c.id, status: c.status };
        }
        default: {
          const args = parseInput(AuthoringArgs[name], rawArgs) as Edit['args'];
          const e = { name, args } as Edit;
          const { courseId, baseVersion } = args;
          return edit(caller, courseId, baseVersion, e);
        }
      }
    },
    /** The draft for one of the course's instructors (sync pull); not_found/forbidden for anyone else. */
    async draftFor(caller: Caller, courseId: string): Promise<CourseDraft> {
      await requireEditable(db, enrollments, caller, courseId);
      return draftOf(courseId);
    },
    /** Ids of the stored drafts of courses this user teaches (the initial sync's course_draft phase). */
    async draftIdsOf(userId: string): Promise<string[]> {
      const r = await db.execute<{ course_id: string }>(sql`
        SELECT d.course_id FROM course_drafts d JOIN courses c ON c.id = d.course_id
        WHERE c.owner_id = ${userId}
           OR EXISTS (SELECT 1 FROM course_instructors ci WHERE ci.course_id = c.id AND ci.user_id = ${userId})
        ORDER BY d.course_id`);
      return r.rows.map((x) => x.course_id);
    },
    draftOf,
  };
}
export type CourseAuthoring = ReturnType<typeof courseAuthoring>;
