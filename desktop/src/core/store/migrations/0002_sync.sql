-- Offline study and sync (ARCHITECTURE.md §4). "Synced" tables hold the server's state as last pulled, with the
-- still-pending outbox mutations re-applied on top (optimistic); the outbox is the device's own record of its changes.

-- Per signed-in account on this installation: the device id sent to the server and the pull cursor.
CREATE TABLE sync_state (
  user_id TEXT PRIMARY KEY,
  device_id TEXT NOT NULL,
  -- Where the next pull starts (null: initial sync). Written only after a whole page was applied.
  cursor TEXT,
  last_sync_at TEXT,
  last_error TEXT,
  updated_at TEXT NOT NULL
);

-- Every local change, in order. id is a UUIDv7 made on the device; seq is the clientSeq sent with it.
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL,
  name TEXT NOT NULL,
  args_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'applied', 'rejected')),
  -- applied: what the server answered; rejected: { code, message, details }.
  result_json TEXT,
  settled_at TEXT,
  -- The student has seen a rejection and put it away (it stays on record).
  dismissed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_pending_idx ON outbox (user_id, status, seq);

-- The caller's enrollments (MyEnrollment as the server sent it).
CREATE TABLE enrollments (
  course_id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  data_json TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Merged lesson state (LessonState of @lyceum/contracts progress.ts).
CREATE TABLE lesson_progress (
  lesson_id TEXT PRIMARY KEY,
  course_id TEXT NOT NULL,
  position_seconds REAL,
  position_at TEXT,
  position_event_id TEXT,
  watched_json TEXT NOT NULL DEFAULT '[]',
  completed INTEGER NOT NULL DEFAULT 0,
  completed_at TEXT,
  last_activity_at TEXT,
  -- The server's state as last pulled (LessonState JSON), null before any; the columns above are it plus pending mutations.
  server_json TEXT
);
CREATE INDEX lesson_progress_course_idx ON lesson_progress (course_id);

-- Quiz attempts: the server's (graded) and this device's (pending until the server answers).
CREATE TABLE quiz_attempts (
  id TEXT PRIMARY KEY,
  course_id TEXT NOT NULL,
  lesson_id TEXT NOT NULL,
  -- pending: queued, not graded by the server yet; graded: the server's result; rejected: the server refused it.
  state TEXT NOT NULL CHECK (state IN ('pending', 'graded', 'rejected')),
  answers_json TEXT NOT NULL DEFAULT '{}',
  -- The device's grade of a device-gradable quiz (shown at once), null otherwise.
  local_grade_json TEXT,
  -- The server's QuizAttemptResult.
  result_json TEXT,
  submitted_at TEXT NOT NULL
);
CREATE INDEX quiz_attempts_lesson_idx ON quiz_attempts (lesson_id, submitted_at);

-- The caller's preferences (one row).
CREATE TABLE preferences (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  -- Effective preferences (the server's plus pending changes); server_json as last pulled.
  data_json TEXT NOT NULL,
  server_json TEXT,
  updated_at TEXT NOT NULL
);

-- Courses the student chose to keep available offline, and how much of them is stored.
CREATE TABLE offline_courses (
  course_id TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('downloading', 'ready', 'failed')),
  stored_items INTEGER NOT NULL DEFAULT 0,
  total_items INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  requested_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
