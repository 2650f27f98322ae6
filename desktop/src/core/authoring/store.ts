import { and, eq, sql } from 'drizzle-orm';
import {
  authoringNames,
  CourseDetail,
  CourseDraft,
  type CourseDraftDoc,
  type SyncChange,
} from '@lyceum/contracts';
import type { LocalDb } from '../store/open.ts';
import { courseDetails } from '../store/tables.ts';
import { authoringResolutions, courseDrafts } from './tables.ts';

/** An outbox row of an authoring mutation, as this module reads it. */
export interface AuthoringRow {
  seq: number;
  id: string;
  name: string;
  args: Record<string, unknown>;
  createdAt: string;
  status: 'pending' | 'applied' | 'rejected';
  result: Record<string, unknown> | null;
  settledAt: string | null;
}

export const publishNames: ReadonlySet<string> = new Set([
  'publishCourse',
  'unpublishCourse',
  'archiveCourse',
]);

/** The server's copy of a course draft, as stored by the last pull. */
export interface ServerDraft {
  draft: CourseDraft;
  pulledAt: string;
}

const parseObject = (text: string | null): Record<string, unknown> | null => {
  if (!text) return null;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

/** Storage of drafts: the server's copies (pulled) and this device's authoring rows in the outbox. */
export function draftStore(db: LocalDb) {
  return {
    /** A pulled course_draft change (inside the page's transaction). */
    applyChange(userId: string, change: SyncChange, now: string, skip: (why: string) => void): void {
      if (change.op === 'delete') {
        db.delete(courseDrafts).where(eq(courseDrafts.courseId, change.id)).run();
        return;
      }
      const d = CourseDraft.safeParse(change.data);
      if (!d.success) return skip(d.error.message);
      const values = {
        userId,
        version: d.data.version,
        status: d.data.status,
        title: d.data.doc.details.title,
        docJson: JSON.stringify(d.data.doc),
        updatedBy: d.data.updatedBy,
        updatedAt: d.data.updatedAt,
        pulledAt: now,
      };
      db.insert(courseDrafts)
        .values({ courseId: d.data.courseId, ...values })
        .onConflictDoUpdate({ target: courseDrafts.courseId, set: values })
        .run();
    },

    server(userId: string, courseId: string): ServerDraft | null {
      const r = db
        .select()
        .from(courseDrafts)
        .where(and(eq(courseDrafts.courseId, courseId), eq(courseDrafts.userId, userId)))
        .get();
      if (!r) return null;
      return {
        pulledAt: r.pulledAt,
        draft: {
          courseId: r.courseId,
          version: r.version,
          status: r.status,
          doc: JSON.parse(r.docJson) as CourseDraftDoc,
          updatedBy: r.updatedBy,
          updatedAt: r.updatedAt,
        },
      };
    },

    /** The server's drafts of this user (no documents). */
    serverList(userId: string) {
      return db
        .select({
          courseId: courseDrafts.courseId,
          title: courseDrafts.title,
          status: courseDrafts.status,
          version: courseDrafts.version,
          updatedAt: courseDrafts.updatedAt,
        })
        .from(courseDrafts)
        .where(eq(courseDrafts.userId, userId))
        .all();
    },

    /** The course's authoring rows in the outbox, oldest first (the index on the outbox's courseId serves it). */
    rows(userId: string, courseId: string): AuthoringRow[] {
      const raw = db.all<{
        seq: number;
        id: string;
        name: string;
        args_json: string;
        created_at: string;
        status: AuthoringRow['status'];
        result_json: string | null;
        settled_at: string | null;
      }>(sql`SELECT seq, id, name, args_json, created_at, status, result_json, settled_at FROM outbox
             WHERE user_id = ${userId} AND json_extract(args_json, '$.courseId') = ${courseId}
             ORDER BY seq`);
      return raw.flatMap((r) => {
        const args = parseObject(r.args_json);
        return args
          ? [
              {
                seq: r.seq,
                id: r.id,
                name: r.name,
                args,
                createdAt: r.created_at,
                status: r.status,
                result: parseObject(r.result_json),
                settledAt: r.settled_at,
              },
            ]
          : [];
      });
    },

    /** The synced course_detail of a course this user may edit (null: none, or not theirs to edit). */
    taught(userId: string, courseId: string): { course: CourseDetail; syncedAt: string } | null {
      const r = db.select().from(courseDetails).where(eq(courseDetails.id, courseId)).get();
      if (!r || r.viewerId !== userId) return null;
      const c = CourseDetail.safeParse(JSON.parse(r.detailJson));
      return c.success && c.data.viewer.canEdit ? { course: c.data, syncedAt: r.syncedAt } : null;
    },

    /** Courses this user may edit, from the synced course_detail rows (no documents). */
    taughtList(userId: string) {
      return db.all<{
        courseId: string;
        title: string;
        status: CourseDraft['status'];
        version: number;
        updatedAt: string;
      }>(sql`
        SELECT id AS courseId, json_extract(detail_json, '$.title') AS title, json_extract(detail_json, '$.status') AS status,
               version, json_extract(detail_json, '$.updatedAt') AS updatedAt
        FROM course_details
        WHERE viewer_id = ${userId} AND json_extract(detail_json, '$.viewer.canEdit') = 1`);
    },

    /** Changes whenever anything a course's local view is read from changes (outbox rows, pulls, resolutions). */
    stamp(userId: string, courseId: string): string {
      const r = db.get<{ s: string }>(sql`
        SELECT count(*) || ':' || coalesce(max(seq), 0) || ':' || coalesce(sum(status = 'pending'), 0) || ':' ||
               coalesce(max(settled_at), '') || ':' ||
               coalesce((SELECT pulled_at || '/' || version FROM course_drafts WHERE course_id = ${courseId}), '') || ':' ||
               (SELECT count(*) FROM authoring_resolutions WHERE course_id = ${courseId}) || ':' ||
               coalesce((SELECT synced_at FROM course_details WHERE id = ${courseId}), '') AS s
        FROM outbox WHERE user_id = ${userId} AND json_extract(args_json, '$.courseId') = ${courseId}`);
      return r?.s ?? '';
    },

    /** Courses this user created on this device (createCourse rows not refused), with their titles. */
    created(userId: string): { courseId: string; title: string; createdAt: string }[] {
      return db.all<{ courseId: string; title: string; createdAt: string }>(sql`
        SELECT json_extract(args_json, '$.courseId') AS courseId, json_extract(args_json, '$.title') AS title,
               created_at AS createdAt
        FROM outbox WHERE user_id = ${userId} AND name = 'createCourse' AND status <> 'rejected'`);
    },

    /** Per course: pending edits, and refused edits (version_conflict) not resolved yet. */
    counts(userId: string): Map<string, { pending: number; conflicts: number; lastAt: string }> {
      const rows = db.all<{ courseId: string; pending: number; conflicts: number; lastAt: string }>(sql`
        SELECT json_extract(o.args_json, '$.courseId') AS courseId,
               sum(o.status = 'pending' AND o.name NOT IN ('createCourse','publishCourse','unpublishCourse','archiveCourse')) AS pending,
               sum(o.status = 'rejected' AND json_extract(o.result_json, '$.code') = 'version_conflict'
                   AND o.name NOT IN ('createCourse','publishCourse','unpublishCourse','archiveCourse')
                   AND NOT EXISTS (SELECT 1 FROM authoring_resolutions r WHERE r.conflict_id = o.id)) AS conflicts,
               max(o.created_at) AS lastAt
        FROM outbox o
        WHERE o.user_id = ${userId} AND o.name IN (${sql.join(
          authoringNames.map((n) => sql`${n}`),
          sql`, `,
        )})
        GROUP BY 1`);
      return new Map(rows.map((r) => [r.courseId, r]));
    },

    resolved(ids: string[]): Set<string> {
      if (ids.length === 0) return new Set();
      const rows = db
        .select({ id: authoringResolutions.conflictId })
        .from(authoringResolutions)
        .where(
          sql`${authoringResolutions.conflictId} IN (${sql.join(
            ids.map((i) => sql`${i}`),
            sql`, `,
          )})`,
        )
        .all();
      return new Set(rows.map((r) => r.id));
    },

    resolve(userId: string, courseId: string, conflictId: string, choice: 'mine' | 'theirs' | 'merge'): void {
      db.insert(authoringResolutions)
        .values({ conflictId, userId, courseId, choice, resolvedAt: new Date().toISOString() })
        .onConflictDoNothing()
        .run();
    },
  };
}
export type DraftStore = ReturnType<typeof draftStore>;
