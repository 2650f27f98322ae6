-- New or changed content of offline copies, per lesson, found by comparing the server's lesson manifest with the files
-- stored (after a pull changed the course, a periodic check, or "Check stored files"):
--   waiting     — found, not downloaded: downloads of updates are held (the connection is metered and the student
--                 chose "Download updates only on Wi-Fi"), or the check could not apply it yet;
--   downloading — its files are queued in download_items;
--   done        — stored; the student has not dismissed the notice yet ("New content in <course>: <lesson>").
-- A dismissed notice deletes its row; removing the offline copy deletes the course's rows.
CREATE TABLE offline_updates (
  course_id TEXT NOT NULL,
  lesson_id TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('waiting', 'downloading', 'done')),
  -- Files and bytes to fetch, and the kinds of the new or changed assets (JSON array: "video", "slides", …).
  files INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  kinds TEXT NOT NULL,
  detected_at TEXT NOT NULL,
  done_at TEXT,
  PRIMARY KEY (course_id, lesson_id)
);
