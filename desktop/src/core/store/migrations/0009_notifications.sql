-- Issue 14 (notifications). The signed-in account's inbox, pulled through sync (entity `notification`) and marked read
-- through the outbox (`markNotificationsRead`): cleared with the other synced tables on a full pull.
CREATE TABLE notifications (
  id TEXT PRIMARY KEY,
  dedupe_key TEXT NOT NULL,
  type TEXT NOT NULL,
  course_id TEXT,
  lesson_id TEXT,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  url TEXT,
  created_at TEXT NOT NULL,
  -- The effective read time (the server's, or this device's while its mutation is pending).
  read_at TEXT,
  -- The server's read time, kept beside it so a rejected or replayed mutation starts from it.
  server_read_at TEXT,
  -- The student wants an OS notification for it (their push preference when the server made it).
  push INTEGER NOT NULL DEFAULT 1,
  data_json TEXT NOT NULL
);
CREATE INDEX notifications_created_idx ON notifications (created_at DESC, id);
CREATE INDEX notifications_dedupe_idx ON notifications (dedupe_key);
-- The OS notifications this device showed (or chose not to show), per account and dedupe key: a deadline reminder
-- fired offline from a cached due date is not shown again when the server's copy (same key) arrives by sync. Kept
-- across full pulls, so a resync never shows anything twice.
CREATE TABLE notification_alerts (
  user_id TEXT NOT NULL,
  dedupe_key TEXT NOT NULL,
  source TEXT NOT NULL,
  shown INTEGER NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (user_id, dedupe_key)
);
