import { and, eq, gt, sql } from 'drizzle-orm';
import {
  applyEdit,
  AuthoringArgs,
  EditDoesNotFit,
  touched,
  type CourseDraftDoc,
  type Edit,
  type EditName,
} from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import type { Caller } from '../../http/route.ts';
import { parseInput } from './access.ts';
import {
  courseDraftClients,
  courseDraftParts,
  effectiveBase,
  partsOf,
  PartLog,
  type Chain,
  type Part,
  type PartChange,
} from './draft-parts.ts';
import { courseDrafts } from './tables.ts';
import { structureIssues } from './validate.ts';

/**
 * Edits that can leave a valid draft invalid: they bring new ids (which must be unique across modules, lessons and
 * questions), questions (answer keys) or lessons (at most MAX_LESSONS). The others only rename, move, delete or change
 * a lesson's fields (a lesson that stops being a quiz loses its quiz in applyEdit): the whole-draft check, ~1 ms on a
 * 300-lesson course, is skipped for them.
 */
const MAY_BREAK: ReadonlySet<EditName> = new Set<EditName>(['addModule', 'addLesson', 'putQuiz']);

/** One pushed edit (name and raw arguments); its outcome: applied with its answer, or refused alone. */
export interface EditItem {
  name: EditName;
  args: unknown;
}
export type EditOutcome = { ok: true; result: unknown } | { ok: false; error: ApiError };
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/**
 * Written in each course's transaction, with the edits' effects (the sync log's records of them): an effect and the
 * record that it happened commit together, so a push run again after an error replays them instead of applying twice.
 */
export type RecordEdits = (tx: Tx, done: { index: number; outcome: EditOutcome }[]) => Promise<void>;

export interface Draft {
  courseId: string;
  doc: CourseDraftDoc;
  version: number;
  updatedBy: string | null;
  updatedAt: Date;
}

interface BatchDeps {
  db: Db;
  /** The draft as stored, or made from the published tables. */
  currentDraft: (courseId: string) => Promise<Draft>;
}

/** An edit that does not fit the draft is refused with the code it names; anything else is a fault. */
const asApiError = (err: unknown): ApiError => {
  if (err instanceof ApiError) return err;
  if (err instanceof EditDoesNotFit) return new ApiError(err.code, err.message);
  throw err;
};

/**
 * Edits of course drafts, applied per course in one transaction: the course locked once (which also answers who may
 * edit it), the draft read once (or taken from this node's copy when nothing changed it since), each edit checked
 * against the parts it touches and applied or refused on its own, then the draft, the parts' changes and the client's
 * chain written once. One bad edit never refuses its neighbours.
 */
export function draftBatches({ db, currentDraft }: BatchDeps) {
  /** The latest document this node wrote, per course (the next batch of a busy course skips reading it back). */
  const recent = new Map<string, { version: number; doc: CourseDraftDoc }>();

  async function forCourse(
    caller: Caller,
    clientId: string | null,
    courseId: string,
    edits: Edit[],
    record?: (tx: Tx, outcomes: EditOutcome[]) => Promise<void>,
  ): Promise<EditOutcome[]> {
    const run = await db.transaction(async (tx) => {
      const lock = await tx.execute<{ status: string; teaches: boolean }>(sql`
        SELECT status, (owner_id = ${caller.id} OR EXISTS (SELECT 1 FROM course_instructors ci
          WHERE ci.course_id = courses.id AND ci.user_id = ${caller.id})) AS teaches
        FROM courses WHERE id = ${courseId} FOR UPDATE`);
      const course = lock.rows[0];
      const canEdit = course && (caller.role === 'admin' || (caller.role !== 'student' && course.teaches));
      if (!course || (!canEdit && course.status === 'draft'))
        throw new ApiError('not_found', 'Course not found');
      if (!canEdit) throw new ApiError('forbidden', "Only the course's instructors and admins may change it");

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

      let chain: Chain | undefined;
      if (clientId) {
        const [c] = await tx
          .select({ seen: courseDraftClients.seenVersion, tip: courseDraftClients.tipVersion })
          .from(courseDraftClients)
          .where(and(eq(courseDraftClients.courseId, courseId), eq(courseDraftClients.clientId, clientId)));
        chain = c;
      }
      // The chain stored is the one after the last applied edit: a refused edit counts for the edits after it in
      // this push (made while it was pending), not for an edit sent after its refusal was answered (made on a pull).
      let keep: Chain | undefined;
      const oldest = Math.min(chain?.seen ?? Infinity, ...edits.map((e) => e.args.baseVersion));
      const log = new PartLog();
      const rows = await tx
        .select()
        .from(courseDraftParts)
        .where(and(eq(courseDraftParts.courseId, courseId), gt(courseDraftParts.version, oldest)));
      for (const r of rows) log.set(r.entity, r.field, { ...r, at: r.changedAt });

      let doc = d.doc;
      let version = d.version;
      let last = { by: d.updatedBy, at: d.updatedAt };
      const now = new Date();
      const outcomes = edits.map((e): EditOutcome => {
        const base = effectiveBase(e.args.baseVersion, chain, version);
        chain = base.chain;
        const { checks, writes } = partsOf(doc, e);
        if (base.seen === null)
          return { ok: false, error: conflict(version, last.by, last.at, null, touched(doc, e), []) };
        const lost = log.conflicts(checks, base.seen, clientId, caller.id);
        if (lost.length) {
          const latest = lost[0]!;
          return {
            ok: false,
            error: conflict(version, latest.userId, latest.at, latest.clientId, touched(doc, e), lost),
          };
        }
        let next: CourseDraftDoc;
        try {
          next = applyEdit(doc, e);
        } catch (err) {
          return { ok: false, error: asApiError(err) };
        }
        const issues = MAY_BREAK.has(e.name) ? structureIssues(next.modules, 'modules') : [];
        if (issues.length)
          return {
            ok: false,
            error: new ApiError('validation_failed', 'The edit leaves the course invalid', { issues }),
          };
        doc = next;
        version += 1;
        last = { by: caller.id, at: now };
        const change: PartChange = { version, clientId, userId: caller.id, at: now };
        for (const p of writes) log.set(p.entity, p.field, change, true);
        keep = chain;
        return { ok: true, result: { courseId, version } };
      });

      if (version !== d.version) {
        await tx
          .insert(courseDrafts)
          .values({ courseId, doc, version, updatedBy: caller.id, updatedAt: now })
          .onConflictDoUpdate({
            target: courseDrafts.courseId,
            set: { doc, version, updatedBy: caller.id, updatedAt: now },
          });
        await writeParts(tx, courseId, [...log.dirty.values()]);
      }
      if (clientId && keep)
        await tx
          .insert(courseDraftClients)
          .values({ courseId, clientId, seenVersion: keep.seen, tipVersion: keep.tip, updatedAt: now })
          .onConflictDoUpdate({
            target: [courseDraftClients.courseId, courseDraftClients.clientId],
            set: { seenVersion: keep.seen, tipVersion: keep.tip, updatedAt: now },
          });
      await record?.(tx, outcomes);
      return { outcomes, version, doc, changed: version !== d.version };
    });
    // Kept after the commit only (a rolled-back batch leaves nothing behind); documents are never mutated in place.
    if (run.changed) {
      recent.delete(courseId);
      recent.set(courseId, { version: run.version, doc: run.doc });
      if (recent.size > 200) recent.delete(recent.keys().next().value!);
    }
    return run.outcomes;
  }

  return {
    /**
     * Apply pushed edits (any courses) for `caller` from one client (device); one outcome per item, in order. An
     * unexpected error (not an ApiError) is thrown: nothing of that course's edits was written.
     */
    async apply(
      caller: Caller,
      clientId: string | null,
      items: EditItem[],
      record?: RecordEdits,
    ): Promise<EditOutcome[]> {
      const out: EditOutcome[] = new Array<EditOutcome>(items.length);
      const byCourse = new Map<string, { index: number; edit: Edit }[]>();
      items.forEach((item, index) => {
        try {
          const args = parseInput(AuthoringArgs[item.name], item.args) as Edit['args'];
          const list = byCourse.get(args.courseId) ?? [];
          list.push({ index, edit: { name: item.name, args } as Edit });
          byCourse.set(args.courseId, list);
        } catch (err) {
          out[index] = { ok: false, error: asApiError(err) };
        }
      });
      for (const [courseId, list] of byCourse) {
        let outcomes: EditOutcome[];
        try {
          outcomes = await forCourse(
            caller,
            clientId,
            courseId,
            list.map((x) => x.edit),
            record &&
              ((tx, os) =>
                record(
                  tx,
                  os.map((outcome, k) => ({ index: list[k]!.index, outcome })),
                )),
          );
        } catch (err) {
          const error = asApiError(err);
          outcomes = list.map(() => ({ ok: false, error }));
        }
        list.forEach((x, k) => (out[x.index] = outcomes[k]!));
      }
      return out;
    },
    /** This node's copy of a draft is stale (written elsewhere, e.g. publishing): read it again next time. */
    forget(courseId: string) {
      recent.delete(courseId);
    },
  };
}
export type DraftBatches = ReturnType<typeof draftBatches>;

async function writeParts(tx: Tx, courseId: string, parts: (Part & PartChange)[]): Promise<void> {
  if (!parts.length) return;
  const rows = parts.map((p) => ({
    e: p.entity,
    f: p.field,
    v: p.version,
    c: p.clientId,
    u: p.userId,
    t: p.at.toISOString(),
  }));
  await tx.execute(sql`
    INSERT INTO course_draft_parts (course_id, entity, field, version, client_id, user_id, changed_at)
    SELECT ${courseId}, x.e, x.f, x.v, x.c, x.u, x.t
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(e text, f text, v int, c uuid, u uuid, t timestamptz)
    ON CONFLICT (course_id, entity, field) DO UPDATE
      SET version = EXCLUDED.version, client_id = EXCLUDED.client_id, user_id = EXCLUDED.user_id,
          changed_at = EXCLUDED.changed_at`);
}

function conflict(
  currentVersion: number,
  by: string | null,
  at: Date,
  client: string | null,
  current: unknown,
  parts: (Part & PartChange)[],
) {
  return new ApiError(
    'version_conflict',
    'What this edit changes was changed on another device since the edit was made',
    {
      currentVersion,
      updatedBy: by,
      updatedAt: at.toISOString(),
      updatedByClient: client,
      current,
      parts: parts.map((p) => ({
        part: `${p.entity}.${p.field}`,
        version: p.version,
        userId: p.userId,
        clientId: p.clientId,
        at: p.at.toISOString(),
      })),
    },
  );
}
