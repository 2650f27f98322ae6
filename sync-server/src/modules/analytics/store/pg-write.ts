import {
  StaleTimelineError,
  type Fact,
  type FactWrite,
  type IngestTransaction,
  type Session,
  type SessionKind,
  type SessionWindow,
  type TimelineEntry,
  type TimelineWindow,
  type WriteResult,
} from './port.ts';
import { foldBatch, unionIntervals, type Fold } from './pg-fold.ts';
import { arrayLiteralOf as lit } from '../../../lib/pg-array.ts';
import { columnArrays, selectList, unnestRows, upsert, type Column, type Queryable } from './pg-sql.ts';

/**
 * The embedded adapter's unit of work, on a client inside an open transaction (store/postgres.ts opens it and takes
 * the actors' locks). Facts are inserted ON CONFLICT DO NOTHING RETURNING id, and only the rows actually inserted
 * are folded into the rollups — one multi-row upsert per table — so a replay changes no figure.
 */

/**
 * The facts: what the timeline and the insights need of each event. The statement itself (IRIs, device timestamp and
 * clock skew, the full result) is kept by the collector's statement store under the same id.
 */
const FACT_COLUMNS: Column[] = [
  { name: 'id', type: 'uuid' },
  { name: 'actor', type: 'text' },
  { name: 'verb', type: 'text' },
  { name: 'course_id', type: 'text' },
  { name: 'lesson_id', type: 'text' },
  { name: 'question_id', type: 'text' },
  { name: 'at', type: 'timestamptz' },
  { name: 'stored', type: 'timestamptz' },
  { name: 'source', type: 'text' },
  { name: 'success', type: 'boolean' },
  { name: 'score_raw', type: 'float8' },
  { name: 'position', type: 'float8' },
  { name: 'video_length', type: 'float8' },
  { name: 'watched', type: 'nummultirange' },
  { name: 'learning', type: 'boolean' },
  { name: 'active_ms', type: 'bigint' },
];
const INSERT_FACTS = `INSERT INTO analytics.facts (${FACT_COLUMNS.map((c) => c.name).join(', ')})
SELECT ${selectList(FACT_COLUMNS)} FROM ${unnestRows(FACT_COLUMNS)}
ON CONFLICT (id) DO NOTHING RETURNING id`;

const factRow = (f: Fact) => {
  const e = f.event;
  return {
    id: f.id,
    actor: e.actor,
    verb: e.verb,
    course_id: e.courseId,
    lesson_id: e.lessonId,
    question_id: e.questionId,
    at: f.at,
    stored: Date.parse(e.stored),
    source: e.source,
    success: e.success,
    score_raw: e.scoreRaw,
    position: f.position,
    video_length: e.video?.length ?? null,
    watched: e.video?.segments.length ? unionIntervals(e.video.segments) : null,
    learning: f.learning,
    active_ms: f.activeMs,
  };
};

const UPDATE_ACTIVE = `UPDATE analytics.facts f SET active_ms = r.active_ms
FROM unnest($1::uuid[], $2::bigint[]) AS r(id, active_ms) WHERE f.id = r.id`;

const TIMELINE_ROW = 'f.id, f.actor, f.at, f.course_id, f.lesson_id, f.active_ms FROM analytics.facts f';
const TIMELINE = `WITH w AS (
  SELECT actor, to_timestamp(first_at / 1000.0) AS first_at, first_id, to_timestamp(last_at / 1000.0) AS last_at, last_id
  FROM unnest($1::text[], $2::float8[], $3::uuid[], $4::float8[], $5::uuid[]) AS r(actor, first_at, first_id, last_at, last_id)
)
SELECT e.* FROM w CROSS JOIN LATERAL (
  (SELECT ${TIMELINE_ROW}
    WHERE f.learning AND f.actor = w.actor AND (f.at, f.id) < (w.first_at, w.first_id)
    ORDER BY f.at DESC, f.id DESC LIMIT 1)
  UNION ALL
  (SELECT ${TIMELINE_ROW}
    WHERE f.learning AND f.actor = w.actor AND (f.at, f.id) >= (w.first_at, w.first_id) AND (f.at, f.id) <= (w.last_at, w.last_id))
  UNION ALL
  (SELECT ${TIMELINE_ROW}
    WHERE f.learning AND f.actor = w.actor AND (f.at, f.id) > (w.last_at, w.last_id)
    ORDER BY f.at, f.id LIMIT 1)
) e`;

/**
 * Sessions of each window: from the last one starting at or before `lo` up to those starting by `hi`. OFFSET 0 keeps
 * the planner from flattening the lateral into a join (which would scan the table): one index range per window.
 */
const SESSIONS = `WITH w AS (
  SELECT actor, kind, course_id, lesson_id, to_timestamp(lo / 1000.0) AS lo, to_timestamp(hi / 1000.0) AS hi
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[])
    AS r(actor, kind, course_id, lesson_id, lo, hi)
)
SELECT s.* FROM w CROSS JOIN LATERAL (
  SELECT s.* FROM analytics.learning_sessions s
  WHERE s.actor = w.actor AND s.kind = w.kind AND s.course_id = w.course_id AND s.lesson_id = w.lesson_id
    AND s.started_at <= w.hi
    AND s.started_at >= coalesce((SELECT max(p.started_at) FROM analytics.learning_sessions p
      WHERE p.actor = w.actor AND p.kind = w.kind AND p.course_id = w.course_id AND p.lesson_id = w.lesson_id
        AND p.started_at <= w.lo), '-infinity')
  OFFSET 0
) s WHERE s.ended_at >= w.lo`;

const DELETE_SESSIONS = `DELETE FROM analytics.learning_sessions s
USING unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[]) AS r(actor, kind, course_id, lesson_id, started_at)
WHERE s.actor = r.actor AND s.kind = r.kind AND s.course_id = r.course_id AND s.lesson_id = r.lesson_id
  AND s.started_at = to_timestamp(r.started_at / 1000.0)`;

interface SessionRow {
  actor: string;
  kind: SessionKind;
  course_id: string;
  lesson_id: string;
  started_at: number;
  ended_at: number;
  events: number;
  courses: string[];
  position: number | null;
  position_at: number | null;
  position_id: string | null;
  video_length: number | null;
}
const upsertSessions = upsert<SessionRow>(
  'analytics.learning_sessions',
  ['actor', 'kind', 'course_id', 'lesson_id', 'started_at'],
  [
    { name: 'actor', type: 'text' },
    { name: 'kind', type: 'text' },
    { name: 'course_id', type: 'text' },
    { name: 'lesson_id', type: 'text' },
    { name: 'started_at', type: 'timestamptz' },
    { name: 'ended_at', type: 'timestamptz' },
    { name: 'events', type: 'bigint' },
    { name: 'courses', type: 'text[]' },
    { name: 'position', type: 'float8' },
    { name: 'position_at', type: 'timestamptz' },
    { name: 'position_id', type: 'uuid' },
    { name: 'video_length', type: 'float8' },
  ],
);

const count = (name: string): Column => ({ name, type: 'bigint', merge: 'sum' });
const text = (name: string): Column => ({ name, type: 'text' });
const day: Column = { name: 'day', type: 'date' };
/** Keep the stored value unless the incoming row's (at, id) comes first / last. */
const earliest = (at: string, id: string) => (c: string) =>
  `CASE WHEN (excluded.${at}, excluded.${id}) < (t.${at}, t.${id}) THEN excluded.${c} ELSE t.${c} END`;
const latest = (at: string, id: string) => (c: string) =>
  `CASE WHEN (excluded.${at}, excluded.${id}) > (t.${at}, t.${id}) THEN excluded.${c} ELSE t.${c} END`;

type Rows<K extends keyof Fold> = Fold[K][number];
const ROLLUPS = {
  courseDays: upsert<Rows<'courseDays'>>(
    'analytics.course_daily',
    ['course_id', 'day'],
    [
      text('course_id'),
      day,
      ...['events', 'active_ms', 'enrollments', 'lesson_opens', 'lesson_completions', 'course_completions']
        .concat(['video_events', 'quiz_answers', 'quiz_correct', 'quiz_passed', 'quiz_failed', 'ratings'])
        .map(count),
    ],
  ),
  studentDays: upsert<Rows<'studentDays'>>(
    'analytics.student_daily',
    ['actor', 'course_id', 'day'],
    [
      text('actor'),
      text('course_id'),
      day,
      ...['events', 'active_ms', 'lesson_completions', 'quiz_attempts', 'quiz_answers', 'quiz_correct'].map(
        count,
      ),
      { name: 'last_at', type: 'timestamptz', merge: 'max' },
    ],
  ),
  studentCourses: upsert<Rows<'studentCourses'>>(
    'analytics.student_course',
    ['actor', 'course_id'],
    [
      text('actor'),
      text('course_id'),
      { name: 'first_at', type: 'timestamptz', merge: 'min' },
      { name: 'last_at', type: 'timestamptz', merge: 'max' },
      ...['enrolled_at', 'started_at', 'lesson_completed_at', 'completed_at'].map((name): Column => ({
        name,
        type: 'timestamptz',
        merge: 'min',
      })),
    ],
  ),
  studentLessonDays: upsert<Rows<'studentLessonDays'>>(
    'analytics.student_lesson_daily',
    ['actor', 'course_id', 'lesson_id', 'day'],
    [
      text('actor'),
      text('course_id'),
      text('lesson_id'),
      day,
      ...['events', 'active_ms', 'completions'].map(count),
      { name: 'watched', type: 'nummultirange', merge: 'sum' },
      { name: 'video_length', type: 'float8', merge: 'max' },
    ],
  ),
  questionAnswers: upsert<Rows<'questionAnswers'>>(
    'analytics.question_answers',
    ['course_id', 'lesson_id', 'question_id', 'actor'],
    [
      text('course_id'),
      text('lesson_id'),
      text('question_id'),
      text('actor'),
      { name: 'first_at', type: 'timestamptz', merge: earliest('first_at', 'first_id') },
      { name: 'first_id', type: 'uuid', merge: earliest('first_at', 'first_id') },
      { name: 'first_correct', type: 'boolean', merge: earliest('first_at', 'first_id') },
      count('answers'),
      count('correct'),
    ],
  ),
  ratings: upsert<Rows<'ratings'>>(
    'analytics.ratings',
    ['course_id', 'actor'],
    [
      text('course_id'),
      text('actor'),
      { name: 'rating', type: 'float8', merge: latest('rated_at', 'event_id') },
      { name: 'rated_at', type: 'timestamptz', merge: latest('rated_at', 'event_id') },
      { name: 'event_id', type: 'uuid', merge: latest('rated_at', 'event_id') },
    ],
  ),
  presence: upsert<Rows<'presence'>>(
    'analytics.presence',
    ['actor', 'course_id'],
    [text('actor'), text('course_id'), { name: 'last_stored', type: 'timestamptz', merge: 'max' }],
  ),
  arrivals: upsert<Rows<'arrivals'>>(
    'analytics.arrivals',
    ['second', 'course_id'],
    [{ name: 'second', type: 'timestamptz' }, text('course_id'), count('events')],
  ),
} as const;

/**
 * Per-second arrival counts and presence rows older than this (before the newest arrival written) are dropped: they
 * only feed "events per second" over the last minute and "active learners" over the last 5 minutes.
 */
const ARRIVALS_KEPT_MS = 3_600_000;

const ms = (d: Date | null): number | null => (d ? d.getTime() : null);

export function pgTransaction(client: Queryable, opts: { pruneArrivals: boolean }): IngestTransaction {
  return {
    async timeline(windows: TimelineWindow[]): Promise<TimelineEntry[]> {
      const r = await client.query<{
        id: string;
        actor: string;
        at: Date;
        course_id: string | null;
        lesson_id: string | null;
        active_ms: number;
      }>(TIMELINE, [
        lit(windows, (w) => w.actor),
        lit(windows, (w) => w.first.at),
        lit(windows, (w) => w.first.id),
        lit(windows, (w) => w.last.at),
        lit(windows, (w) => w.last.id),
      ]);
      return r.rows.map((x) => ({
        id: x.id,
        actor: x.actor,
        at: x.at.getTime(),
        courseId: x.course_id,
        lessonId: x.lesson_id,
        activeMs: Number(x.active_ms),
      }));
    },

    async sessions(windows: SessionWindow[]): Promise<Session[]> {
      const r = await client.query<{
        actor: string;
        kind: SessionKind;
        course_id: string;
        lesson_id: string;
        started_at: Date;
        ended_at: Date;
        events: number;
        courses: string[];
        position: number | null;
        position_at: Date | null;
        position_id: string | null;
        video_length: number | null;
      }>(SESSIONS, [
        lit(windows, (w) => w.actor),
        lit(windows, (w) => w.kind),
        lit(windows, (w) => w.courseId),
        lit(windows, (w) => w.lessonId),
        lit(windows, (w) => w.from),
        lit(windows, (w) => w.to),
      ]);
      return r.rows.map((s) => ({
        actor: s.actor,
        kind: s.kind,
        courseId: s.course_id,
        lessonId: s.lesson_id,
        startedAt: s.started_at.getTime(),
        endedAt: s.ended_at.getTime(),
        events: Number(s.events),
        courses: s.courses,
        position: s.position,
        positionAt: ms(s.position_at),
        positionId: s.position_id,
        videoLength: s.video_length,
      }));
    },

    async write(w: FactWrite): Promise<WriteResult> {
      const inserted = w.facts.length
        ? (
            await client.query<{ id: string }>(INSERT_FACTS, columnArrays(FACT_COLUMNS, w.facts.map(factRow)))
          ).rows.map((r) => r.id)
        : [];
      const insertedSet = new Set(inserted);
      const stale = w.facts.filter((f) => f.learning && !insertedSet.has(f.id)).map((f) => f.id);
      if (stale.length) throw new StaleTimelineError(stale);
      const fold = foldBatch(
        inserted.length === w.facts.length ? w.facts : w.facts.filter((f) => insertedSet.has(f.id)),
        w.activeChanges,
      );
      if (w.activeChanges.length)
        await client.query(UPDATE_ACTIVE, [
          lit(w.activeChanges, (c) => c.entry.id),
          lit(w.activeChanges, (c) => c.activeMs),
        ]);
      const { removed, upserted } = w.sessions;
      if (removed.length)
        await client.query(DELETE_SESSIONS, [
          lit(removed, (k) => k.actor),
          lit(removed, (k) => k.kind),
          lit(removed, (k) => k.courseId),
          lit(removed, (k) => k.lessonId),
          lit(removed, (k) => k.startedAt),
        ]);
      await upsertSessions(
        client,
        upserted.map((s) => ({
          actor: s.actor,
          kind: s.kind,
          course_id: s.courseId,
          lesson_id: s.lessonId,
          started_at: s.startedAt,
          ended_at: s.endedAt,
          events: s.events,
          courses: s.courses,
          position: s.position,
          position_at: s.positionAt,
          position_id: s.positionId,
          video_length: s.videoLength,
        })),
      );
      await ROLLUPS.studentDays(client, fold.studentDays);
      await ROLLUPS.studentCourses(client, fold.studentCourses);
      await ROLLUPS.studentLessonDays(client, fold.studentLessonDays);
      await ROLLUPS.questionAnswers(client, fold.questionAnswers);
      await ROLLUPS.ratings(client, fold.ratings);
      await ROLLUPS.presence(client, fold.presence);
      // Rows other batches share go last, so their locks are held for the shortest time before the commit.
      await ROLLUPS.courseDays(client, fold.courseDays);
      await ROLLUPS.arrivals(client, fold.arrivals);
      if (opts.pruneArrivals && fold.arrivals.length) {
        const newest = Math.max(...fold.arrivals.map((a) => a.second));
        await client.query('DELETE FROM analytics.arrivals WHERE second < $1', [
          new Date(newest - ARRIVALS_KEPT_MS),
        ]);
        // Presence only answers "active in the last minutes": older rows go too, so its scan stays small.
        await client.query('DELETE FROM analytics.presence WHERE last_stored < $1', [
          new Date(newest - ARRIVALS_KEPT_MS),
        ]);
      }
      return { inserted };
    },
  };
}
