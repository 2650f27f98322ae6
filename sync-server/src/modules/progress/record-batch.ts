import {
  normalizeIntervals,
  watchedSeconds,
  type LessonProgress,
  type ProgressEventInput,
  type ProgressWriteResult,
} from '@lyceum/contracts';
import { ApiError } from '../../http/errors.ts';
import type { CatalogReader, CourseStructure } from '../catalog/reader.ts';
import { lessonOf, normalizeTime, statementName, type CompletionChecker } from './completion.ts';
import type { Queryable } from './queryable.ts';
import { toMultirange, type ProgressRow } from './record.ts';
import { progressHash } from './content-hash.ts';

/**
 * Many progress events of one student in ONE statement: the set form of the progress module's single-event write
 * (record.ts), with the same enrollment check, idempotency (id + content hash), and merge rules (union of
 * watched intervals, latest position by (occurredAt, id), monotonic completion, device times clamped to now()). The
 * merge is commutative, so folding a push's events per lesson first and merging the fold gives the state the events
 * one by one would give.
 * Unlike the HTTP write, it records NO analytics statement: this is the sync push's path, and the desktop app uploads
 * its own xAPI statements for what it records (see platform-statements.ts), so emitting here would count it twice.
 */
const statement = `
WITH input AS (
  SELECT * FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::float8[], $6::text[], $7::boolean[], $8::timestamptz[], $9::text[])
    AS t(id, course_id, lesson_id, pos, watched, completed, occurred_at, hash)
),
enr AS (SELECT course_id, status FROM enrollments WHERE user_id = $1::uuid AND course_id IN (SELECT course_id FROM input)),
orig AS (SELECT id, user_id, content_hash, recorded_at FROM progress_events WHERE id IN (SELECT id FROM input)),
cur AS (SELECT * FROM lesson_progress WHERE user_id = $1::uuid AND lesson_id IN (SELECT lesson_id FROM input)),
ins AS (
  INSERT INTO progress_events (id, user_id, course_id, lesson_id, position_seconds, watched, completed, occurred_at, content_hash)
  SELECT i.id, $1::uuid, i.course_id, i.lesson_id, i.pos, i.watched::nummultirange, i.completed, i.occurred_at, i.hash
  FROM input i JOIN enr e ON e.course_id = i.course_id AND e.status IN ('active', 'completed')
  WHERE NOT EXISTS (SELECT 1 FROM orig o WHERE o.id = i.id)
  ON CONFLICT (id) DO NOTHING
  RETURNING id, course_id, lesson_id, position_seconds, watched, completed, LEAST(occurred_at, recorded_at) AS at, recorded_at
),
agg AS (
  SELECT course_id, lesson_id,
    (array_agg(position_seconds ORDER BY at DESC, id DESC) FILTER (WHERE position_seconds IS NOT NULL))[1] AS pos,
    (array_agg(at ORDER BY at DESC, id DESC) FILTER (WHERE position_seconds IS NOT NULL))[1] AS pos_at,
    (array_agg(id ORDER BY at DESC, id DESC) FILTER (WHERE position_seconds IS NOT NULL))[1] AS pos_id,
    coalesce(range_agg(watched), '{}'::nummultirange) AS watched,
    bool_or(completed) AS completed,
    min(at) FILTER (WHERE completed) AS completed_at,
    max(at) AS last_at
  FROM ins GROUP BY course_id, lesson_id
),
up AS (
  INSERT INTO lesson_progress AS lp (user_id, course_id, lesson_id, position_seconds, position_at, position_event_id,
    watched, completed, completed_at, last_activity_at)
  SELECT $1::uuid, course_id, lesson_id, pos, pos_at, pos_id, watched, completed, completed_at, last_at FROM agg
  ON CONFLICT (user_id, course_id, lesson_id) DO UPDATE SET
    position_seconds = CASE WHEN excluded.position_at IS NOT NULL AND (lp.position_at IS NULL
      OR (excluded.position_at, excluded.position_event_id) > (lp.position_at, lp.position_event_id)) THEN excluded.position_seconds ELSE lp.position_seconds END,
    position_event_id = CASE WHEN excluded.position_at IS NOT NULL AND (lp.position_at IS NULL
      OR (excluded.position_at, excluded.position_event_id) > (lp.position_at, lp.position_event_id)) THEN excluded.position_event_id ELSE lp.position_event_id END,
    position_at = CASE WHEN excluded.position_at IS NOT NULL AND (lp.position_at IS NULL
      OR (excluded.position_at, excluded.position_event_id) > (lp.position_at, lp.position_event_id)) THEN excluded.position_at ELSE lp.position_at END,
    watched = lp.watched + excluded.watched,
    completed = lp.completed OR excluded.completed,
    completed_at = CASE WHEN excluded.completed THEN LEAST(lp.completed_at, excluded.completed_at) ELSE lp.completed_at END,
    last_activity_at = GREATEST(lp.last_activity_at, excluded.last_activity_at),
    updated_at = now()
  RETURNING lesson_id, position_seconds, watched, completed, completed_at, last_activity_at
),
st AS (
  SELECT lesson_id, position_seconds, watched, completed, completed_at, last_activity_at FROM up
  UNION ALL
  SELECT lesson_id, position_seconds, watched, completed, completed_at, last_activity_at FROM cur
  WHERE NOT EXISTS (SELECT 1 FROM up WHERE up.lesson_id = cur.lesson_id)
)
SELECT i.id, e.status AS enrollment_status, ins.recorded_at AS inserted_at,
  o.user_id AS orig_user_id, o.content_hash AS orig_hash, o.recorded_at AS orig_recorded_at,
  c.completed AS was_completed,
  st.position_seconds, st.completed, st.completed_at, st.last_activity_at,
  (SELECT coalesce(json_agg(json_build_array(lower(r), upper(r)) ORDER BY lower(r)), '[]'::json) FROM unnest(st.watched) r) AS watched
FROM input i
LEFT JOIN enr e ON e.course_id = i.course_id
LEFT JOIN ins ON ins.id = i.id
LEFT JOIN orig o ON o.id = i.id
LEFT JOIN cur c ON c.lesson_id = i.lesson_id AND c.course_id = i.course_id
LEFT JOIN st ON st.lesson_id = i.lesson_id`;

interface Row extends ProgressRow {
  id: string;
}

export type BatchOutcome =
  { ok: true; result: ProgressWriteResult } | { ok: false; error: ApiError } | { ok: 'retry' };

const lessonState = (lessonId: string, r: Row): LessonProgress => {
  const watched = r.watched ?? [];
  return {
    lessonId,
    positionSeconds: r.position_seconds,
    watchedIntervals: watched,
    watchedSeconds: watchedSeconds(watched),
    completed: r.completed ?? false,
    completedAt: r.completed_at?.toISOString() ?? null,
    lastActivityAt: r.last_activity_at?.toISOString() ?? null,
  };
};

/**
 * Record a student's progress events at once on the given connection (inside the caller's transaction). Answers one
 * outcome per input, in order; 'retry' for events that lost a race with a concurrent write of the same id (the caller
 * records those one by one). Inputs must have distinct ids.
 */
export async function recordProgressBatch(
  conn: Queryable,
  catalog: CatalogReader,
  completeIfDone: CompletionChecker,
  userId: string,
  inputs: ProgressEventInput[],
): Promise<BatchOutcome[]> {
  const out: BatchOutcome[] = new Array<BatchOutcome>(inputs.length);
  const valid: {
    index: number;
    input: ProgressEventInput;
    structure: CourseStructure;
    hash: string;
    completed: boolean;
    occurredAt: string;
  }[] = [];
  for (const [index, input] of inputs.entries()) {
    try {
      const { structure } = await lessonOf(catalog, input.courseId, input.lessonId);
      const occurredAt = normalizeTime(input.occurredAt);
      const hash = progressHash(input, occurredAt);
      valid.push({
        index,
        input,
        structure,
        hash,
        completed: input.completed === true && !structure.quizzes.has(input.lessonId),
        occurredAt,
      });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      out[index] = { ok: false, error: err };
    }
  }
  if (valid.length === 0) return out;
  const { rows } = await conn.query<Row>({
    name: statementName('sync_progress_batch', statement),
    text: statement,
    values: [
      userId,
      valid.map((v) => v.input.id),
      valid.map((v) => v.input.courseId),
      valid.map((v) => v.input.lessonId),
      valid.map((v) => v.input.positionSeconds ?? null),
      valid.map((v) => toMultirange(normalizeIntervals(v.input.watchedIntervals ?? []))),
      valid.map((v) => v.completed),
      valid.map((v) => v.occurredAt),
      valid.map((v) => v.hash),
    ],
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  // Course completion: checked once per course where this batch newly completed a lesson.
  const toCheck = new Map<string, CourseStructure>();
  for (const v of valid) {
    const r = byId.get(v.input.id)!;
    if (r.inserted_at && r.enrollment_status !== 'completed' && r.completed && !r.was_completed)
      toCheck.set(v.input.courseId, v.structure);
  }
  const completedCourses = new Set<string>();
  for (const [courseId, structure] of toCheck)
    if (await completeIfDone(structure, userId)) completedCourses.add(courseId);

  for (const v of valid) {
    const r = byId.get(v.input.id)!;
    const base = {
      id: v.input.id,
      courseId: v.input.courseId,
      lessonId: v.input.lessonId,
      lesson: lessonState(v.input.lessonId, r),
    };
    const courseCompleted = r.enrollment_status === 'completed' || completedCourses.has(v.input.courseId);
    if (r.orig_hash !== null) {
      out[v.index] =
        r.orig_user_id !== userId || r.orig_hash !== v.hash
          ? {
              ok: false,
              error: new ApiError(
                'idempotency_conflict',
                'This progress event id was already used for different content',
              ),
            }
          : {
              ok: true,
              result: {
                ...base,
                duplicate: true,
                recordedAt: r.orig_recorded_at!.toISOString(),
                courseCompleted,
              },
            };
    } else if (r.inserted_at) {
      out[v.index] = {
        ok: true,
        result: { ...base, duplicate: false, recordedAt: r.inserted_at.toISOString(), courseCompleted },
      };
    } else if (r.enrollment_status !== 'active' && r.enrollment_status !== 'completed') {
      out[v.index] = {
        ok: false,
        error: new ApiError('not_enrolled', 'Enroll in this course to record progress'),
      };
    } else {
      out[v.index] = { ok: 'retry' };
    }
  }
  return out;
}
