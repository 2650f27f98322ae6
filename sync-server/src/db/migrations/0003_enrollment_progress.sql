-- Enrollment (module enrollment) and progress tracking (module progress).

-- One row per (course, student), kept forever: dropping only changes the status, so nothing stored is lost.
CREATE TABLE enrollments (
  id uuid PRIMARY KEY,
  course_id uuid NOT NULL REFERENCES courses (id),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  status text NOT NULL CHECK (status IN ('active', 'completed', 'dropped')),
  source text NOT NULL CHECK (source IN ('self', 'instructor', 'payment')),
  enrolled_at timestamptz NOT NULL DEFAULT now(),
  -- Monotonic: set once when every requirement is met, never cleared (survives a drop and re-enrollment).
  completed_at timestamptz,
  dropped_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (course_id, user_id),
  CHECK (status <> 'completed' OR completed_at IS NOT NULL)
);
CREATE INDEX enrollments_user_idx ON enrollments (user_id, status);

-- The progress tables carry no foreign keys on purpose: they are the hot write path (a foreign key check locks
-- the referenced course/lesson row in KEY SHARE mode on every insert, which turns into multixact contention
-- when many students study the same course), and a lesson deleted by its instructor must not take students'
-- history with it. Validity (enrolled, lesson in course) is checked by the service before writing.

-- Insert-only log of progress events, keyed by the client's UUID (idempotent).
CREATE TABLE progress_events (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  course_id uuid NOT NULL,
  lesson_id uuid NOT NULL,
  position_seconds double precision,
  watched nummultirange NOT NULL DEFAULT '{}',
  completed boolean NOT NULL DEFAULT false,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  -- sha256 of the event's content, to tell a retry (same content) from a reused id (different content).
  content_hash text NOT NULL
);
CREATE INDEX progress_events_user_idx ON progress_events (user_id, course_id, recorded_at);

-- Merged per-lesson state: union of watched intervals (closed numeric ranges, so touching ones merge),
-- latest position by (occurred_at, event id), monotonic completion (completed_at = earliest completion).
CREATE TABLE lesson_progress (
  user_id uuid NOT NULL,
  course_id uuid NOT NULL,
  lesson_id uuid NOT NULL,
  position_seconds double precision,
  position_at timestamptz,
  position_event_id uuid,
  watched nummultirange NOT NULL DEFAULT '{}',
  completed boolean NOT NULL DEFAULT false,
  completed_at timestamptz,
  last_activity_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, course_id, lesson_id)
);
CREATE INDEX lesson_progress_course_idx ON lesson_progress (course_id, lesson_id);

-- Insert-only quiz attempts, graded on the server; attempt_no is unique per student and quiz, which is what
-- enforces the attempts limit under concurrent submissions.
CREATE TABLE quiz_attempts (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  course_id uuid NOT NULL,
  lesson_id uuid NOT NULL,
  attempt_no integer NOT NULL CHECK (attempt_no > 0),
  answers jsonb NOT NULL,
  score double precision NOT NULL,
  max_score double precision NOT NULL,
  percent double precision NOT NULL,
  passed boolean NOT NULL,
  results jsonb NOT NULL,
  started_at timestamptz,
  submitted_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  content_hash text NOT NULL,
  UNIQUE (user_id, lesson_id, attempt_no)
);
CREATE INDEX quiz_attempts_course_idx ON quiz_attempts (course_id, lesson_id);
