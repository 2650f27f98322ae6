-- Analytics store (issue 5), embedded adapter: the facts (one row per learning event, with what the processor
-- derived; the statement itself stays in the collector's analytics.statements under the same id) and the rollups the
-- insights read. Every rollup is the fold of the facts: a fact is folded once, when it
-- is first inserted (and its active time re-folded by difference when a later-arriving neighbour changes it), so a
-- replay changes nothing. Times are EVENT times (device time corrected for clock skew) unless named `stored`.
-- Rollup tables keep a fill factor below 100 so that the counter updates stay HOT (no index churn).
CREATE SCHEMA IF NOT EXISTS analytics;

CREATE TABLE analytics.facts (
  id uuid PRIMARY KEY,
  actor text NOT NULL,
  verb text NOT NULL,
  course_id text,
  lesson_id text,
  question_id text,
  at timestamptz NOT NULL,
  stored timestamptz NOT NULL,
  source text NOT NULL,
  success boolean,
  score_raw double precision,
  -- Video events: where the viewer is left (s), the video length (s), the segments watched.
  position double precision,
  video_length double precision,
  watched nummultirange,
  -- false for platform events (course published): not part of anyone's learning timeline.
  learning boolean NOT NULL,
  -- Active learning time contributed: the gap to the actor's next event when at most the session gap.
  active_ms bigint NOT NULL DEFAULT 0
) WITH (fillfactor = 90);
-- A learner's timeline, for placing new (and late) events between their neighbours.
CREATE INDEX facts_timeline_idx ON analytics.facts (actor, at, id) WHERE learning;
-- Time ranges: facts arrive roughly in time order, so block-range indexes stay small and cheap to maintain.
CREATE INDEX facts_at_brin ON analytics.facts USING brin (at);

-- Per course (''= events outside any course) and UTC day.
CREATE TABLE analytics.course_daily (
  course_id text NOT NULL,
  day date NOT NULL,
  events bigint NOT NULL DEFAULT 0,
  active_ms bigint NOT NULL DEFAULT 0,
  enrollments bigint NOT NULL DEFAULT 0,
  lesson_opens bigint NOT NULL DEFAULT 0,
  lesson_completions bigint NOT NULL DEFAULT 0,
  course_completions bigint NOT NULL DEFAULT 0,
  video_events bigint NOT NULL DEFAULT 0,
  quiz_answers bigint NOT NULL DEFAULT 0,
  quiz_correct bigint NOT NULL DEFAULT 0,
  quiz_passed bigint NOT NULL DEFAULT 0,
  quiz_failed bigint NOT NULL DEFAULT 0,
  ratings bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (course_id, day)
) WITH (fillfactor = 80);
CREATE INDEX course_daily_day_idx ON analytics.course_daily (day);

-- Per learner, course ('' = outside any course) and day: distinct learners, engagement, per-student summaries.
CREATE TABLE analytics.student_daily (
  actor text NOT NULL,
  course_id text NOT NULL,
  day date NOT NULL,
  events bigint NOT NULL DEFAULT 0,
  active_ms bigint NOT NULL DEFAULT 0,
  lesson_completions bigint NOT NULL DEFAULT 0,
  quiz_attempts bigint NOT NULL DEFAULT 0,
  quiz_answers bigint NOT NULL DEFAULT 0,
  quiz_correct bigint NOT NULL DEFAULT 0,
  last_at timestamptz NOT NULL,
  PRIMARY KEY (actor, course_id, day)
) WITH (fillfactor = 80);
CREATE INDEX student_daily_course_day_idx ON analytics.student_daily (course_id, day);
CREATE INDEX student_daily_day_idx ON analytics.student_daily (day);

-- A learner's milestones in a course (earliest event time of each), for the completion funnel.
CREATE TABLE analytics.student_course (
  actor text NOT NULL,
  course_id text NOT NULL,
  first_at timestamptz NOT NULL,
  last_at timestamptz NOT NULL,
  enrolled_at timestamptz,
  started_at timestamptz,
  lesson_completed_at timestamptz,
  completed_at timestamptz,
  PRIMARY KEY (actor, course_id)
) WITH (fillfactor = 80);

-- Per learner, lesson and day: activity, completion, and the union of the video segments watched.
CREATE TABLE analytics.student_lesson_daily (
  actor text NOT NULL,
  course_id text NOT NULL,
  lesson_id text NOT NULL,
  day date NOT NULL,
  events bigint NOT NULL DEFAULT 0,
  active_ms bigint NOT NULL DEFAULT 0,
  completions bigint NOT NULL DEFAULT 0,
  watched nummultirange NOT NULL DEFAULT '{}',
  video_length double precision,
  PRIMARY KEY (actor, course_id, lesson_id, day)
) WITH (fillfactor = 80);
CREATE INDEX student_lesson_daily_course_day_idx ON analytics.student_lesson_daily (course_id, day);
CREATE INDEX student_lesson_daily_day_idx ON analytics.student_lesson_daily (day);

-- Per question and learner: the first answer (earliest by event time, then id) and the count of all answers.
CREATE TABLE analytics.question_answers (
  course_id text NOT NULL,
  lesson_id text NOT NULL,
  question_id text NOT NULL,
  actor text NOT NULL,
  first_at timestamptz NOT NULL,
  first_id uuid NOT NULL,
  first_correct boolean NOT NULL,
  answers bigint NOT NULL,
  correct bigint NOT NULL,
  PRIMARY KEY (course_id, lesson_id, question_id, actor)
) WITH (fillfactor = 80);
CREATE INDEX question_answers_first_at_idx ON analytics.question_answers (first_at);

-- A learner's latest rating (1..5) of a course.
CREATE TABLE analytics.ratings (
  course_id text NOT NULL,
  actor text NOT NULL,
  rating double precision NOT NULL CHECK (rating BETWEEN 1 AND 5),
  rated_at timestamptz NOT NULL,
  event_id uuid NOT NULL,
  PRIMARY KEY (course_id, actor)
) WITH (fillfactor = 80);
CREATE INDEX ratings_rated_at_idx ON analytics.ratings (rated_at);

-- Sessions: learning sessions (an actor's learning events; course_id = lesson_id = '') and viewing sessions (an
-- actor's video events on one lesson), each a maximal run with no gap over the session gap. Drop-off positions are
-- the last positions of viewing sessions.
CREATE TABLE analytics.learning_sessions (
  actor text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('learning', 'video')),
  course_id text NOT NULL,
  lesson_id text NOT NULL,
  started_at timestamptz NOT NULL,
  ended_at timestamptz NOT NULL,
  events bigint NOT NULL,
  courses text[] NOT NULL DEFAULT '{}',
  position double precision,
  position_at timestamptz,
  position_id uuid,
  video_length double precision,
  PRIMARY KEY (actor, kind, course_id, lesson_id, started_at)
) WITH (fillfactor = 80);
-- Time ranges only: an index leading with (kind, course_id) would tie in cost with the primary key for the
-- processor's per-learner lookups, and a planner that picks it scans every learner's sessions of the course.
CREATE INDEX learning_sessions_started_idx ON analytics.learning_sessions (started_at);

-- Live figures, in ARRIVAL time: when each learner last had an event stored (per course, '' = none) ...
CREATE TABLE analytics.presence (
  actor text NOT NULL,
  course_id text NOT NULL,
  last_stored timestamptz NOT NULL,
  PRIMARY KEY (actor, course_id)
);
CREATE INDEX presence_last_stored_idx ON analytics.presence (last_stored);

-- ... and events stored per second (kept for an hour).
CREATE TABLE analytics.arrivals (
  second timestamptz NOT NULL,
  course_id text NOT NULL,
  events bigint NOT NULL,
  PRIMARY KEY (second, course_id)
) WITH (fillfactor = 80);

-- One row per learner, locked FOR UPDATE by each batch that touches the learner: batches of the same learners (a
-- redelivery, a second processor) run one after the other and see each other's timeline.
CREATE TABLE analytics.learner_locks (
  actor text PRIMARY KEY
);
