import type { SyncChange, SyncEntity } from '@lyceum/contracts';
import type { Caller } from '../../http/route.ts';
import type { SyncSources } from './sources.ts';

/** One logged change: (entity, id) changed in a scope at seq; ref is the course of progress and attempts. */
export interface LoggedChange {
  seq: number;
  entity: SyncEntity;
  id: string;
  ref: string | null;
}

/** Keep the last change of each entity (its data is read now, so the latest state serves them all), in seq order. */
export function coalesce(changes: LoggedChange[]): LoggedChange[] {
  const last = new Map<string, LoggedChange>();
  for (const c of changes) {
    const key = `${c.entity}:${c.id}`;
    const prev = last.get(key);
    if (!prev || prev.seq < c.seq) last.set(key, { ...c, ref: c.ref ?? prev?.ref ?? null });
  }
  return [...last.values()].sort((a, b) => a.seq - b.seq);
}

const groupBy = <T>(items: T[], key: (t: T) => string): Map<string, T[]> => {
  const m = new Map<string, T[]>();
  for (const i of items) {
    const k = key(i);
    const list = m.get(k);
    if (list) list.push(i);
    else m.set(k, [i]);
  }
  return m;
};

/**
 * Turn logged changes into what the client applies: the entity's current state as the caller may see it, or a
 * tombstone when it is gone or out of their reach (a course they left, a course unpublished). Reads are batched per
 * entity kind and course, through the owning modules.
 */
export async function resolveChanges(
  sources: SyncSources,
  caller: Caller,
  inScope: ReadonlySet<string>,
  changes: LoggedChange[],
): Promise<SyncChange[]> {
  const data = new Map<string, unknown>();
  const key = (c: { entity: string; id: string }) => `${c.entity}:${c.id}`;
  const byEntity = groupBy(changes, (c) => c.entity);
  const jobs: Promise<void>[] = [];

  for (const c of byEntity.get('course') ?? [])
    jobs.push(sources.courseSummary(c.id).then((s) => void (s && data.set(key(c), s))));

  for (const c of byEntity.get('course_detail') ?? [])
    if (inScope.has(c.id))
      jobs.push(sources.courseDetail(caller, c.id).then((d) => void (d && data.set(key(c), d))));

  for (const c of byEntity.get('course_draft') ?? [])
    jobs.push(sources.courseDraft(caller, c.id).then((d) => void (d && data.set(key(c), d))));

  const enrollments = byEntity.get('enrollment');
  if (enrollments)
    jobs.push(
      sources.enrollments(caller.id).then((list) => {
        const wanted = new Set(enrollments.map((c) => c.id));
        for (const e of list) if (wanted.has(e.courseId)) data.set(`enrollment:${e.courseId}`, e);
      }),
    );

  const progress = byEntity.get('lesson_progress') ?? [];
  for (const [courseId, list] of groupBy(progress, (c) => c.ref ?? '')) {
    if (!courseId) continue;
    jobs.push(
      sources.lessonStates(caller.id, courseId).then((states) => {
        const wanted = new Set(list.map((c) => c.id));
        for (const s of states ?? [])
          if (wanted.has(s.lessonId)) data.set(`lesson_progress:${s.lessonId}`, s);
      }),
    );
  }

  const attempts = byEntity.get('quiz_attempt') ?? [];
  const attemptCourses = groupBy(attempts, (c) => c.ref ?? '');
  for (const [courseId, list] of attemptCourses) {
    if (!courseId) continue;
    jobs.push(
      sources.attempts(caller.id, courseId).then((rows) => {
        const wanted = new Set(list.map((c) => c.id));
        for (const a of rows ?? []) if (wanted.has(a.id)) data.set(`quiz_attempt:${a.id}`, a);
      }),
    );
  }

  const notes = byEntity.get('notification');
  if (notes)
    jobs.push(
      sources
        .notifications(
          caller.id,
          notes.map((c) => c.id),
        )
        .then((list) => {
          for (const n of list) data.set(`notification:${n.id}`, n);
        }),
    );

  if (byEntity.has('preferences'))
    jobs.push(sources.preferences(caller.id).then((p) => void data.set(`preferences:${caller.id}`, p)));

  await Promise.all(jobs);
  const out: SyncChange[] = [];
  for (const c of changes) {
    const d = data.get(key(c));
    if (d !== undefined) out.push({ seq: c.seq, entity: c.entity, id: c.id, op: 'upsert', data: d });
    // Attempts are insert-only and never leave: one missing here (beyond the newest 500 of a course) is not deleted.
    else if (c.entity !== 'quiz_attempt') out.push({ seq: c.seq, entity: c.entity, id: c.id, op: 'delete' });
  }
  return out;
}
