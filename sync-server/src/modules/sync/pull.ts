import type pg from 'pg';
import type { PullResponse, SyncChange, SyncEntity } from '@lyceum/contracts';
import type { Caller } from '../../http/route.ts';
import { decodeSyncCursor, encodeSyncCursor, type SnapshotCursor } from './cursor.ts';
import { coalesce, resolveChanges, type LoggedChange } from './resolve.ts';
import type { SyncSources } from './sources.ts';

export interface LogState {
  epoch: string;
  lowWater: number;
  head: number;
}

/** The change log's epoch, low-water mark and head (highest numbered seq), read in one snapshot. */
export async function logState(pool: pg.Pool): Promise<LogState> {
  const r = await pool.query<{ epoch: string; low_water: number; head: number }>(
    `SELECT s.epoch, s.low_water, coalesce((SELECT max(seq) FROM change_log), s.low_water) AS head FROM sync_state s`,
  );
  const row = r.rows[0]!;
  return { epoch: row.epoch, lowWater: Number(row.low_water), head: Number(row.head) };
}

const resync: PullResponse = { changes: [], cursor: '', hasMore: false, resyncRequired: true };

/** Snapshot phases, in order; the catalog (possibly large) comes last so the student's own data arrives first. */
const phases = [
  'preferences',
  'enrollment',
  'course_detail',
  'course_draft',
  'lesson_progress',
  'quiz_attempt',
  'notification',
  'course',
] as const;
/** Course structures are large (a hundred lessons each): fewer per page. */
const DETAILS_PER_PAGE = 20;

export function pullService(pool: pg.Pool, sources: SyncSources) {
  const scopesOf = (userId: string, courses: string[]) => [
    'public',
    `user:${userId}`,
    ...courses.map((c) => `course:${c}`),
  ];

  async function incremental(
    caller: Caller,
    epoch: string,
    after: number,
    limit: number,
  ): Promise<PullResponse & { head: number }> {
    const courses = await sources.coursesInScope(caller.id);
    // One statement, one snapshot: the head and the page agree. Only numbered rows are read (see sequencer.ts).
    const r = await pool.query<{
      head: number | null;
      seq: number | null;
      entity: SyncEntity | null;
      entity_id: string | null;
      ref: string | null;
    }>(
      `WITH head AS (SELECT max(seq) AS head FROM change_log),
       page AS (
         SELECT seq, entity, entity_id, ref FROM change_log
         WHERE scope = ANY($1::text[]) AND seq > $2 AND seq <= (SELECT head FROM head)
         ORDER BY seq LIMIT $3
       )
       SELECT head.head, page.seq, page.entity, page.entity_id::text, page.ref::text FROM head LEFT JOIN page ON true ORDER BY page.seq`,
      [scopesOf(caller.id, courses), after, limit + 1],
    );
    const head = Number(r.rows[0]?.head ?? after);
    const rows: LoggedChange[] = r.rows
      .filter((x) => x.seq !== null)
      .map((x) => ({ seq: Number(x.seq), entity: x.entity!, id: x.entity_id!, ref: x.ref }));
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit);
    const next = hasMore ? page[page.length - 1]!.seq : Math.max(head, after);
    const changes = await resolveChanges(sources, caller, new Set(courses), coalesce(page));
    return {
      changes,
      cursor: encodeSyncCursor({ e: epoch, s: next }),
      hasMore,
      resyncRequired: false,
      head: next,
    };
  }

  /** One page of the initial sync: current state, phase by phase; then the client continues from the head. */
  async function snapshot(
    caller: Caller,
    c: SnapshotCursor,
    limit: number,
  ): Promise<PullResponse & { head: number }> {
    const out: SyncChange[] = [];
    let phase = c.p;
    let key = c.k;
    const seq = Math.max(c.h, 1);
    const push = (entity: SyncEntity, id: string, data: unknown) =>
      out.push({ seq, entity, id, op: 'upsert', data });
    let courses: string[] | null = null;
    const inScope = async () => (courses ??= await sources.coursesInScope(caller.id));
    let enrolledIds: string[] | null = null;
    const enrolled = async () =>
      (enrolledIds ??= (await sources.enrollments(caller.id)).map((e) => e.courseId).sort());

    while (phase < phases.length && out.length < limit) {
      const name = phases[phase]!;
      let done = true;
      if (name === 'preferences') {
        push('preferences', caller.id, await sources.preferences(caller.id));
      } else if (name === 'notification') {
        for (const n of await sources.notifications(caller.id, null)) push('notification', n.id, n);
      } else if (name === 'enrollment') {
        for (const e of await sources.enrollments(caller.id)) push('enrollment', e.courseId, e);
      } else if (name === 'course_detail') {
        const todo = (await inScope()).filter((id) => key === null || id > key);
        const take = todo.slice(0, Math.max(1, Math.min(DETAILS_PER_PAGE, limit - out.length)));
        const details = await Promise.all(take.map((id) => sources.courseDetail(caller, id)));
        details.forEach((d, i) => d && push('course_detail', take[i]!, d));
        if (take.length < todo.length) {
          done = false;
          key = take[take.length - 1]!;
        }
      } else if (name === 'course_draft') {
        // The caller's own drafts (few per instructor): all in this page.
        const ids = await sources.draftIds(caller.id);
        const drafts = await Promise.all(ids.map((id) => sources.courseDraft(caller, id)));
        drafts.forEach((d, i) => d && push('course_draft', ids[i]!, d));
      } else if (name === 'lesson_progress' || name === 'quiz_attempt') {
        const todo = (await enrolled()).filter((id) => key === null || id > key);
        let i = 0;
        for (; i < todo.length && out.length < limit; i += 8) {
          const batch = todo.slice(i, i + 8);
          if (name === 'lesson_progress') {
            const states = await Promise.all(batch.map((id) => sources.lessonStates(caller.id, id)));
            for (const list of states) for (const s of list ?? []) push('lesson_progress', s.lessonId, s);
          } else {
            const attempts = await Promise.all(batch.map((id) => sources.attempts(caller.id, id)));
            for (const list of attempts) for (const a of list ?? []) push('quiz_attempt', a.id, a);
          }
          key = batch[batch.length - 1]!;
        }
        if (i < todo.length) done = false;
      } else {
        const page = await sources.catalogPage(key, limit - out.length);
        for (const s of page.items) push('course', s.id, s);
        if (page.next) {
          done = false;
          key = page.next;
        }
      }
      if (done) {
        phase += 1;
        key = null;
      }
    }
    if (phase >= phases.length)
      return {
        changes: out,
        cursor: encodeSyncCursor({ e: c.e, s: c.h }),
        hasMore: true,
        resyncRequired: false,
        head: c.h,
      };
    return {
      changes: out,
      cursor: encodeSyncCursor({ e: c.e, h: c.h, p: phase, k: key }),
      hasMore: true,
      resyncRequired: false,
      head: c.h,
    };
  }

  return {
    /**
     * A page of changes after the cursor for the caller's scope. A null cursor starts a snapshot of the current state
     * (then the log from the snapshot's head); a cursor from another epoch, below the low-water mark or ahead of the
     * head (a restored database) answers resyncRequired.
     */
    async pull(
      caller: Caller,
      cursor: string | null,
      limit: number,
    ): Promise<PullResponse & { head: number | null }> {
      const state = await logState(pool);
      if (cursor === null) return snapshot(caller, { e: state.epoch, h: state.head, p: 0, k: null }, limit);
      const c = decodeSyncCursor(cursor);
      if (!c || c.c.e !== state.epoch) return { ...resync, head: null };
      if (c.kind === 'snapshot') {
        if (c.c.h < state.lowWater || c.c.h > state.head) return { ...resync, head: null };
        return snapshot(caller, c.c, limit);
      }
      if (c.c.s < state.lowWater || c.c.s > state.head) return { ...resync, head: null };
      return incremental(caller, state.epoch, c.c.s, limit);
    },
  };
}
export type PullService = ReturnType<typeof pullService>;
