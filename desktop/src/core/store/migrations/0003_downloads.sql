-- Offline copies of course content (videos as HLS, slides, documents, attachments): one row per file to download.
-- Files live under <data dir>/content/<course_id>/<rel_path>; a file being fetched is <rel_path>.part until verified.
CREATE TABLE download_items (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  course_id TEXT NOT NULL,
  lesson_id TEXT NOT NULL,
  asset_id TEXT NOT NULL,
  -- <lesson_id>/<asset_id>/<path in the manifest>, '/'-separated.
  rel_path TEXT NOT NULL,
  -- The signed URL as the manifest gave it (may be relative to the server), and when it stops working.
  url TEXT NOT NULL,
  url_expires_at TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  bytes_done INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'downloading', 'paused', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  updated_at TEXT NOT NULL,
  UNIQUE (course_id, rel_path)
);
CREATE INDEX download_items_status_idx ON download_items (status, id);
