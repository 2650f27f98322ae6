import { and, desc, eq, gt, or, sql } from 'drizzle-orm';
import {
  AuthoringArgs,
  editNames,
  type AuthoringName,
  type CourseDraft,
  type CourseDraftDoc,
  type EditName,
} from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import type { Caller } from '../../http/route.ts';
import { parseInput, requireEditable, type EnrollmentCheck } from './access.ts';
import { loadBundle, type CourseBundle } from './detail.ts';
import { draftBatches, type EditItem, type EditOutcome, type RecordEdits } from './authoring-batch.ts';
import { courseDraftClients, courseDraftParts, effectiveBase } from './draft-parts.ts';
import { courseDrafts } from './tables.ts';
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
 * Authoring mutations (pushed through sync): edits of the course's draft, each a conflict only when a part it touches
 * was changed after its base by another device (draft-parts.ts; applied in batches: authoring-batch.ts), and
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

  const batches = draftBatches({ db, currentDraft });

  /** The latest change after `seen` that the caller's client did not make (null: none). */
  async function foreignChange(courseId: string, seen: number, clientId: string | null, userId: string) {
    const [row] = await db
      .select()
      .from(courseDraftParts)
      .where(
        and(
          eq(courseDraftParts.courseId, courseId),
          gt(courseDraftParts.version, seen),
          clientId
            ? or(
                sql`${courseDraftParts.clientId} IS DISTINCT FROM ${clientId}`,
                sql`${courseDraftParts.userId} IS DISTINCT FROM ${userId}`,
              )
            : undefined,
        ),
      )
      .orderBy(desc(courseDraftParts.version))
      .limit(1);
    return row ?? null;
  }

  /**
   * Publish the draft as it is. Refused (version_conflict) when something in it changed after what the publishing
   * client had seen, by another client: it publishes only what its author saw.
   */
  async function publish(
    caller: Caller,
    clientId: string | null,
    courseId: string,
    baseVersion: number,
  ): Promise<unknown> {
    const { course } = await requireEditable(db, enrollments, caller, courseId, { ownerOnly: true });
    const d = await currentDraft(courseId);
    const [chainRow] = clientId
      ? await db
          .select({ seen: courseDraftClients.seenVersion, tip: courseDraftClients.tipVersion })
          .from(courseDraftClients)
          .where(and(eq(courseDraftClients.courseId, courseId), eq(courseDraftClients.clientId, clientId)))
      : [];
    const { seen } = effectiveBase(baseVersion, chainRow, d.version);
    const newer = seen === null ? null : await foreignChange(courseId, seen, clientId, caller.id);
    if (seen === null || newer)
      throw new ApiError('version_conflict', 'The course draft was changed on another device since', {
        currentVersion: d.version,
        updatedBy: newer ? newer.userId : d.updatedBy,
        updatedAt: (newer ? newer.changedAt : d.updatedAt).toISOString(),
        updatedByClient: newer?.clientId ?? null,
        current: d.doc,
      });
    const { details, modules } = d.doc;
    // A course students study is checked on the draft first: a refused publish leaves what they study untouched. A
    // course not published yet is checked after the copy (nobody studies it; its new lessons then exist on the server
    // for the instructor's screens, which show their uploads from the course).
    if (course.status === 'published')
      await writes.requirePublishable(courseId, details.title, modules, {
        prerequisiteIds: details.prerequisiteIds ?? [],
      });
    // The draft replaces the course's copy, and the course is published (the checks run on the copy).
    await writes.updateCourse(caller, courseId, { ...details, modules, version: course.version });
    const published = await writes.publish(caller, courseId);
    // The draft's version stays monotonic (devices chain their edits on it).
    const version = Math.max(d.version + 1, published.version);
    await db.update(courseDrafts).set({ version }).where(eq(courseDrafts.courseId, courseId));
    batches.forget(courseId);
    changed(courseId);
    return { courseId, version, status: published.status };
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
    /**
     * Apply one authoring mutation for `caller` from `clientId` (the pushing device: its own earlier edits are never
     * a conflict); throws ApiError to reject it.
     */
    async apply(
      caller: Caller,
      name: AuthoringName,
      rawArgs: unknown,
      clientId: string | null = null,
    ): Promise<unknown> {
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
          return publish(caller, clientId, a.courseId, a.baseVersion);
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
          const [out] = await batches.apply(caller, clientId, [{ name, args: rawArgs }]);
          if (!out!.ok) throw out!.error;
          return out!.result;
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
    /** Whether a mutation is a draft edit (pushed edits are applied together: see applyEdits). */
    isEdit: (name: string): name is EditName => editNames.has(name),
    /** Pushed draft edits of one client, applied per course in one transaction; one outcome each, in order. */
    applyEdits: (
      caller: Caller,
      clientId: string | null,
      items: EditItem[],
      record?: RecordEdits,
    ): Promise<EditOutcome[]> => batches.apply(caller, clientId, items, record),
  };
}
export type CourseAuthoring = ReturnType<typeof courseAuthoring>;
