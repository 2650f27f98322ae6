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
import { foldBatch, type Fold } from './pg-fold.ts';
import { recordset, selectExpr, upsert, type Column, type Queryable } from './pg-sql.ts';

/**
 * The embedded adapter's unit of work, on a client inside an open transaction (store/postgres.ts opens it and takes
 * the actors' locks). Facts are inserted ON CONFLICT DO NOTHING RETURNING id, and only the rows actually inserted
 * are folded into the rollups — one multi-row upsert per table — so a replay changes no figure.
 */

const FACT_COLUMNS: Column[] = [
  { name: 'id', type: 'uuid' },
  { name: 'actor', type: 'text' },
  { name: 'verb', type: 'text' },
  { name: 'verb_id', type: 'text' },
  { name: 'object_id', type: 'text' },
  { name: 'course_id', type: 'text' },
  { name: 'lesson_id', type: 'text' },
  { name: 'question_id', type: 'text' },
  { name: 'at', type: 'timestamptz' },
  { name: 'device_ts', type: 'timestamptz' },
  { name: 'stored', type: 'timestamptz' },
  { name: 'source', type: 'text' },
  { name: 'device_id', type: 'text' },
  { name: 'skew_ms', type: 'float8' },
  { name: 'success', type: 'boolean' },
  { name: 'completion', type: 'boolean' },
  { name: 'score_scaled', type: 'float8' },
  { name: 'score_raw', type: 'float8' },
  { name: 'duration_s', type: 'float8' },
  { name: 'video', type: 'jsonb' },
  { name: 'position', type: 'float8' },
  { name: 'learning', type: 'boolean' },
  { name: 'active_ms', type: 'bigint' },
];
const INSERT_FACTS = `INSERT INTO analytics.facts (${FACT_COLUMNS.map((c) => c.name).join(', ')})
SELECT ${FACT_COLUMNS.map(selectExpr).join(', ')} FROM ${recordset(FACT_COLUMNS)}
ON CONFLICT (id) DO NOTHING RETURNING id`;

const factRow = (f: Fact) => {
  const e = f.event;
  return {
    id: f.id,
    actor: e.actor,
    verb: e.verb,
    verb_id: e.verbId,
    object_id: e.objectId,
    course_id: e.courseId,
    lesson_id: e.lessonId,
    question_id: e.questionId,
    at: f.at,
    device_ts: Date.parse(e.timestamp),
    stored: Date.parse(e.stored),
    source: e.source,
    device_id: e.deviceId,
    skew_ms: e.skewMs,
    success: e.success,
    completion: e.completion,
    score_scaled: e.scoreScaled,
    score_raw: e.scoreRaw,
    duration_s: e.durationSeconds,
    video: e.video,
    position: f.position,
    learning: f.learning,
    active_ms: f.activeMs,
  };
};

const UPDATE_ACTIVE = `UPDATE analytics.facts f SET active_ms = r.active_ms
FROM json_to_recordset($1::json) AS r(id uuid, active_ms bigint) WHERE f.id = r.id`;

const TIMELINE = `WITH w AS (
  SELECT actor, to_timestamp(first_at / 1000.0) AS first_at, first_id, to_timestamp(last_at / 1000.0) AS last_at, last_id
  FROM json_to_recordset($1::json) AS r(actor text, first_at float8, first_id uuid, last_at float8, last_id uuid)
)
SELECT e.id, e.actor, e.at, e.course_id, e.lesson_id, e.active_ms FROM w CROSS JOIN LATERAL (
  (SELECT f.id, f.actor, f.at, f.course_id, f.lesson_id, f.active_ms FROM analytics.facts f
    WHERE f.learning AND f.actor = w.actor AND (f.at, f.id) < (w.first_at, w.first_id)
    ORDER BY f.at DESC, f.id DESC LIMIT 1)
  UNION ALL
  (SELECT f.id, f.actor, f.at, f.course_id, f.lesson_id, f.active_ms FROM analytics.facts f
    WHERE f.learning AND f.actor = w.actor AND (f.at, f.id) >= (w.first_at, w.first_id) AND (f.at, f.id) <= (w.last_at, w.last_id))
  UNION ALL
  (SELECT f.id, f.actor, f.at, f.course_id, f.lesson_id, f.active_ms FROM analytics.facts f
    WHERE f.learning AND f.actor = w.actor AND (f.at, f.id) > (w.last_at, w.last_id)
    ORDER BY f.at, f.id LIMIT 1)
) e`;

/** Sessions of each window: from the last one starting at or before `from` up to those starting by `to`. */
const SESSIONS = `WITH w AS (
  SELECT actor, kind, course_id, lesson_id, to_timestamp(lo / 1000.0) AS lo, to_timestamp(hi / 1000.0) AS hi
  FROM json_to_recordset($1::json) AS r(actor text, kind text, course_id text, lesson_id text, lo float8, hi float8)
)
SELECT s.* FROM w CROSS JOIN LATERAL (
  SELECT s.* FROM analytics.learning_sessions s
  WHERE s.actor = w.actor AND s.kind = w.kind AND s.course_id = w.course_id AND s.lesson_id = w.lesson_id
    AND s.started_at <= w.hi AND s.ended_at >= w.lo
    AND s.started_at >= coalesce((SELECT max(p.started_at) FROM analytics.learning_sessions p
      WHERE p.actor = w.actor AND p.kind = w.kind AND p.course_id = w.course_id AND p.lesson_id = w.lesson_id
        AND p.started_at <= w.lo), '-infinity')
) s`;

const DELETE_SESSIONS = `DELETE FROM analytics.learning_sessions s
USING json_to_recordset($1::json) AS r(actor text, kind text, course_id text, lesson_id text, started_at float8)
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
  courseDays: upsert<Rows<'courseDays'>>('analytics.course_daily', ['course_id', 'day'], [
    text('course_id'),
    day,
    ...['events', 'active_ms', 'enrollments', 'lesson_opens', 'lesson_completions', 'course_completions']
      .concat(['video_events', 'quiz_answers', 'quiz_correct', 'quiz_passed', 'quiz_failed', 'ratings'])
      .map(count),
  ]),
  studentDays: upsert<Rows<'studentDays'>>('analytics.student_daily', ['actor', 'course_id', 'day'], [
    text('actor'),
    text('course_id'),
    day,
    ...['events', 'active_ms', 'lesson_completions', 'quiz_attempts', 'quiz_answers', 'quiz_correct'].map(count),
    { name: 'last_at', type: 'timestamptz', merge: 'max' },
  ]),
  studentCourses: upsert<Rows<'studentCourses'>>('analytics.student_course', ['actor', 'course_id'], [
    text('actor'),
    text('course_id'),
    { name: 'first_at', type: 'timestamptz', merge: 'min' },
    { name: 'last_at', type: 'timestamptz', merge: 'max' },
    ...['enrolled_at', 'started_at', 'lesson_completed_at', 'completed_at'].map(
      (name): Column => ({ name, type: 'timestamptz', merge: 'min' }),
    ),
  ]),
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
  ratings: upsert<Rows<'ratings'>>('analytics.ratings', ['course_id', 'actor'], [
    text('course_id'),
    text('actor'),
    { name: 'rating', type: 'float8', merge: latest('rated_at', 'event_id') },
    { name: 'rated_at', type: 'timestamptz', merge: latest('rated_at', 'event_id') },
    { name: 'event_id', type: 'uuid', merge: latest('rated_at', 'event_id') },
  ]),
  presence: upsert<Rows<'presence'>>('analytics.presence', ['actor', 'course_id'], [
    text('actor'),
    text('course_id'),
    { name: 'last_stored', type: 'timestamptz', merge: 'max' },
  ]),
  arrivals: upsert<Rows<'arrivals'>>('analytics.arrivals', ['second', 'course_id'], [
    { name: 'second', type: 'timestamptz' },
    text('course_id'),
    count('events'),
  ]),
} as const;

/**
 * Per-second arrival counts older than this (before the newest arrival written) are dropped: they only feed "events
 * per second" over the last minute.
 */
const ARRIVALS_KEPT_MS = 3_600_000;

const ms = (d: Date | null): number | null => (d ? d.getTime() : null);

export function pgTransaction(client: Queryable, opts: { pruneArrivals: boolean }): IngestTransaction {
  return {
    async timeline(windows: TimelineWindow[]): Promise<TimelineEntry[]> {
      const rows = windows.map((w) => ({
        actor: w.actor,
        first_at: w.first.at,
        first_id: w.first.id,
        last_at: w.last.at,
        last_id: w.last.id,
      }));
      const r = await client.query<{
        id: string;
        actor: string;
        at: Date;
        course_id: string | null;
        lesson_id: string | null;
        active_ms: number;
      }>(TIMELINE, [JSON.stringify(rows)]);
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
      const rows = windows.map((w) => ({
        actor: w.actor,
        kind: w.kind,
        course_id: w.courseId,
        lesson_id: w.lessonId,
        lo: w.from,
        hi: w.to,
      }));
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
      }>(SESSIONS, [JSON.stringify(rows)]);
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
        ? (await client.query<{ id: string }>(INSERT_FACTS, [JSON.stringify(w.facts.map(factRow))])).rows.map(
            (r) => r.id,
          )
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
          JSON.stringify(
            w.activeChanges
              .map((c) => ({ id: c.entry.id, active_ms: c.activeMs }))
              .sort((a, b) => (a.id < b.id ? -1 : 1)),
          ),
        ]);
      const { removed, upserted } = w.sessions;
      if (removed.length)
        await client.query(DELETE_SESSIONS, [
          JSON.stringify(
            removed.map((k) => ({
              actor: k.actor,
              kind: k.kind,
              course_id: k.courseId,
              lesson_id: k.lessonId,
              started_at: k.startedAt,
            })),
          ),
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
      await ROLLUPS.courseDays(client, fold.courseDays);
      await ROLLUPS.studentDays(client, fold.studentDays);
      await ROLLUPS.studentCourses(client, fold.studentCourses);
      await ROLLUPS.studentLessonDays(client, fold.studentLessonDays);
      await ROLLUPS.questionAnswers(client, fold.questionAnswers);
      await ROLLUPS.ratings(client, fold.ratings);
      await ROLLUPS.presence(client, fold.presence);
      await ROLLUPS.arrivals(client, fold.arrivals);
      if (opts.pruneArrivals && fold.arrivals.length) {
        const newest = Math.max(...fold.arrivals.map((a) => a.second));
        await client.query('DELETE FROM analytics.arrivals WHERE second < $1', [new Date(newest - ARRIVALS_KEPT_MS)]);
      }
      return { inserted };
    },
  };
}
