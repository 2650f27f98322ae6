-- Learning analytics on the device (issue 5): xAPI statements recorded here, offline or not, wait in a queue until
-- the server has them; a few marks make "once per learner" statements really once; instructors' insights are kept
-- for offline viewing.

-- Statements waiting for upload. id is the statement's UUIDv7 (sent again with every retry, so the server counts a
-- repeat once); timestamp is the device clock when it happened. A row leaves the queue when the server answered for it.
CREATE TABLE analytics_queue (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL,
  timestamp TEXT NOT NULL,
  statement_json TEXT NOT NULL,
  -- Upload attempts that ended without an answer for this row.
  attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX analytics_queue_user_idx ON analytics_queue (user_id, seq);

-- Things recorded once per account on this device (a lesson's completion), so a repeat records nothing.
CREATE TABLE analytics_marks (
  user_id TEXT NOT NULL,
  mark TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (user_id, mark)
);

-- Quiz attempts graded by the server: answered/passed/failed are recorded when the graded result arrives by sync.
CREATE TABLE analytics_awaiting_grades (
  attempt_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  course_id TEXT NOT NULL,
  lesson_id TEXT NOT NULL,
  answers_json TEXT NOT NULL,
  submitted_at TEXT NOT NULL,
  -- The lesson was complete before this attempt (a pass then completes nothing new).
  was_completed INTEGER NOT NULL DEFAULT 0
);

-- The last course insights fetched from the server per account, course and time range (shown, with their age, offline).
CREATE TABLE analytics_insights_cache (
  user_id TEXT NOT NULL,
  course_id TEXT NOT NULL,
  range_key TEXT NOT NULL,
  dashboard_json TEXT NOT NULL,
  fetched_at TEXT NOT NULL,
  PRIMARY KEY (user_id, course_id, range_key)
);
