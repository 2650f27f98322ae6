-- Issue 15 (authoring). The server's copy of the drafts of courses the signed-in instructor teaches (sync entity
-- `course_draft`), one JSON row per course; this device's own edits stay in the outbox and are replayed on top when a
-- draft is read. Cleared on an account switch like the other synced tables.
CREATE TABLE course_drafts (
  course_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  status TEXT NOT NULL,
  title TEXT NOT NULL,
  doc_json TEXT NOT NULL,
  updated_by TEXT,
  updated_at TEXT NOT NULL,
  -- When this device stored it (compared with the outbox's settle times to know the latest version).
  pulled_at TEXT NOT NULL
);
CREATE INDEX course_drafts_user_idx ON course_drafts (user_id, updated_at DESC);
-- Conflicts (outbox rows refused with version_conflict, and lost media replacements) the instructor has resolved.
CREATE TABLE authoring_resolutions (
  conflict_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  course_id TEXT NOT NULL,
  choice TEXT NOT NULL,
  resolved_at TEXT NOT NULL
);
-- A course's outbox rows (authoring edits are read per course when a draft is opened).
CREATE INDEX outbox_course_idx ON outbox (user_id, json_extract(args_json, '$.courseId'), seq);
