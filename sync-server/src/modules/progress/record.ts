import {
  normalizeIntervals,
  watchedSeconds,
  type LessonProgress,
  type ProgressEventInput,
  type ProgressWriteResult,
  type WatchedInterval,
} from '@lyceum/contracts';
import { ApiError } from '../../http/errors.ts';
import type { CatalogReader } from '../catalog/reader.ts';
import {
  lessonOf,
  normalizeTime,
  statementName,
  type CompletionChecker,
  type EnrollmentPort,
} from './completion.ts';
import type { Queryable } from './queryable.ts';
import { progressHash } from './content-hash.ts';
import { lessonCompletedStatement } from './platform-statements.ts';

/** The earlier of a device time (ISO) and a server instant, as ISO: what the stored completion time is. */
const earliest = (iso: string, now: Date): string =>
  Date.parse(iso) < now.getTime() ? iso : now.toISOString();

/** A multirange literal of closed ranges, e.g. {[0,10],[20,30.5]}. */
export const toMultirange = (list: WatchedInterval[]): string =>
  `{${list.map(([s, e]) => `[${s},${e}]`).join(',')}}`;

/** What the progress statements answer per event (the batch form adds the event id). */
export interface ProgressRow {
  enrollment_status: string | null;
  inserted_at: Date | null;
  orig_user_id: string | null;
  orig_hash: string | null;
  orig_recorded_at: Date | null;
  was_completed: boolean | null;
  position_seconds: number | null;
  completed: boolean | null;
  completed_at: Date | null;
  last_activity_at: Date | null;
  watched: WatchedInterval[] | null;
}

/**
 * The analytics statement of a lesson this write newly completes ($10, see platform-statements.ts), into the
 * transactional outbox in the same statement (so it exists if and only if the write commits); a repeat, or an
 * update of an already completed lesson, inserts nothing. Writes that do not complete a lesson use the statement
 * without it (no outbox insert, no NOTIFY).
 */
const completionEvent = `
ob AS (
  INSERT INTO event_outbox (id, statement)
  SELECT ($10::jsonb->>'id')::uuid, $10::jsonb FROM up
  WHERE $7::boolean AND up.completed AND NOT coalesce((SELECT completed FROM cur), false)
  ON CONFLICT (id) DO NOTHING
),`;

/**
 * One statement does the whole write: check the enrollment, insert the event (ignored when its id exists) and
 * merge it into the lesson state. The merge runs inside ON CONFLICT DO UPDATE, so concurrent events for the same
 * lesson serialize on its row and none is lost; the rules are those of applyProgressEvent in @lyceum/contracts
 * (union of intervals, latest position by (occurredAt, id), monotonic completion), device times clamped to now().
 */
function writeStatement(enrollmentStatus: string, emitsCompletion: boolean): string {
  const positionWins = `excluded.position_at IS NOT NULL AND (lp.position_at IS NULL
      OR (excluded.position_at, excluded.position_event_id) > (lp.position_at, lp.position_event_id))`;
  return `
WITH enr AS (SELECT ${enrollmentStatus} AS status),
orig AS (SELECT user_id, content_hash, recorded_at FROM progress_events WHERE id = $1::uuid),
cur AS (SELECT * FROM lesson_progress WHERE user_id = $3::uuid AND course_id = $2::uuid AND lesson_id = $4::uuid),
ins AS (
  INSERT INTO progress_events (id, user_id, course_id, lesson_id, position_seconds, watched, completed, occurred_at, content_hash)
  SELECT $1::uuid, $3::uuid, $2::uuid, $4::uuid, $5::float8, $6::nummultirange, $7::boolean, $8::timestamptz, $9::text
  FROM enr WHERE enr.status IN ('active', 'completed') AND NOT EXISTS (SELECT 1 FROM orig)
  ON CONFLICT (id) DO NOTHING
  RETURNING recorded_at
),
up AS (
  INSERT INTO lesson_progress AS lp (user_id, course_id, lesson_id, position_seconds, position_at, position_event_id,
    watched, completed, completed_at, last_activity_at)
  SELECT $3::uuid, $2::uuid, $4::uuid, $5::float8,
    CASE WHEN $5::float8 IS NULL THEN NULL ELSE LEAST($8::timestamptz, ins.recorded_at) END,
    CASE WHEN $5::float8 IS NULL THEN NULL ELSE $1::uuid END,
    $6::nummultirange, $7::boolean,
    CASE WHEN $7::boolean THEN LEAST($8::timestamptz, ins.recorded_at) END,
    LEAST($8::timestamptz, ins.recorded_at)
  FROM ins
  ON CONFLICT (user_id, course_id, lesson_id) DO UPDATE SET
    position_seconds = CASE WHEN ${positionWins} THEN excluded.position_seconds ELSE lp.position_seconds END,
    position_at = CASE WHEN ${positionWins} THEN excluded.position_at ELSE lp.position_at END,
    position_event_id = CASE WHEN ${positionWins} THEN excluded.position_event_id ELSE lp.position_event_id END,
    watched = lp.watched + excluded.watched,
    completed = lp.completed OR excluded.completed,
    completed_at = CASE WHEN excluded.completed THEN LEAST(lp.completed_at, excluded.completed_at) ELSE lp.completed_at END,
    last_activity_at = GREATEST(lp.last_activity_at, excluded.last_activity_at),
    updated_at = now()
  RETURNING position_seconds, watched, completed, completed_at, last_activity_at
),${emitsCompletion ? completionEvent : ''}
st AS (
  SELECT position_seconds, watched, completed, completed_at, last_activity_at FROM up
  UNION ALL
  SELECT position_seconds, watched, completed, completed_at, last_activity_at FROM cur WHERE NOT EXISTS (SELECT 1 FROM up)
)
SELECT enr.status AS enrollment_status, ins.recorded_at AS inserted_at,
  orig.user_id AS orig_user_id, orig.content_hash AS orig_hash, orig.recorded_at AS orig_recorded_at,
  cur.completed AS was_completed,
  st.position_seconds, st.completed, st.completed_at, st.last_activity_at,
  (SELECT coalesce(json_agg(json_build_array(lower(r), upper(r)) ORDER BY lower(r)), '[]'::json)
     FROM unnest(st.watched) r) AS watched
FROM enr LEFT JOIN ins ON true LEFT JOIN orig ON true LEFT JOIN cur ON true LEFT JOIN st ON true`;
}

function lessonState(lessonId: string, r: ProgressRow): LessonProgress {
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
}

export function progressRecorder(
  pool: Queryable,
  catalog: CatalogReader,
  enrollment: EnrollmentPort,
  completeIfDone: CompletionChecker,
) {
  const status = enrollment.statusSubquery('$2::uuid', '$3::uuid');
  const plain = writeStatement(status, false);
  const completing = writeStatement(status, true);
  // Named statements are parsed and planned once per connection.
  const names = {
    plain: statementName('progress_write', plain),
    completing: statementName('progress_complete', completing),
  };

  return async function record(userId: string, input: ProgressEventInput): Promise<ProgressWriteResult> {
    const { structure } = await lessonOf(catalog, input.courseId, input.lessonId);
    const occurredAt = normalizeTime(input.occurredAt);
    const hash = progressHash(input, occurredAt);
    // A quiz lesson completes only by passing its quiz.
    const completed = input.completed === true && !structure.quizzes.has(input.lessonId);
    const values = [
      input.id,
      input.courseId,
      userId,
      input.lessonId,
      input.positionSeconds ?? null,
      toMultirange(normalizeIntervals(input.watchedIntervals ?? [])),
      completed,
      occurredAt,
      hash,
    ];
    const query = completed
      ? {
          name: names.completing,
          text: completing,
          values: [
            ...values,
            JSON.stringify(
              lessonCompletedStatement(structure, userId, input.lessonId, earliest(occurredAt, new Date())),
            ),
          ],
        }
      : { name: names.plain, text: plain, values };
    for (let attempt = 0; attempt < 3; attempt++) {
      const { rows } = await pool.query<ProgressRow>(query);
      const r = rows[0]!;
      const base = {
        id: input.id,
        courseId: input.courseId,
        lessonId: input.lessonId,
        lesson: lessonState(input.lessonId, r),
      };
      if (r.orig_hash !== null) {
        if (r.orig_user_id !== userId || r.orig_hash !== hash)
          throw new ApiError(
            'idempotency_conflict',
            'This progress event id was already used for different content',
          );
        return {
          ...base,
          duplicate: true,
          recordedAt: r.orig_recorded_at!.toISOString(),
          courseCompleted: r.enrollment_status === 'completed',
        };
      }
      if (r.inserted_at) {
        let courseCompleted = r.enrollment_status === 'completed';
        if (!courseCompleted && r.completed && !r.was_completed)
          courseCompleted = await completeIfDone(structure, userId);
        return { ...base, duplicate: false, recordedAt: r.inserted_at.toISOString(), courseCompleted };
      }
      if (r.enrollment_status !== 'active' && r.enrollment_status !== 'completed')
        throw new ApiError('not_enrolled', 'Enroll in this course to record progress');
      // Same id inserted concurrently by another request: run again to answer as a duplicate.
    }
    throw new ApiError('conflict', 'This progress event is being recorded by another request; retry');
  };
}
export type ProgressRecorder = ReturnType<typeof progressRecorder>;
