-- The desktop app's local store. Timestamps are ISO-8601 text in UTC; JSON columns hold payloads exactly as the server sent them.

-- The signed-in account, cached so the app opens as that user offline. One row at most. Tokens are sealed by the secret box.
CREATE TABLE identity (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  user_id TEXT NOT NULL,
  user_json TEXT NOT NULL,
  access_token_enc TEXT,
  access_expires_at TEXT,
  refresh_token_enc TEXT,
  signed_in_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Course summaries as last seen on the server, with the columns an offline search filters and sorts on.
CREATE TABLE course_summaries (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  title TEXT NOT NULL,
  subject TEXT NOT NULL,
  language TEXT NOT NULL,
  type TEXT NOT NULL,
  level TEXT NOT NULL,
  price_cents INTEGER NOT NULL DEFAULT 0,
  duration_minutes INTEGER NOT NULL DEFAULT 0,
  rating_avg REAL NOT NULL DEFAULT 0,
  enrollment_count INTEGER NOT NULL DEFAULT 0,
  published_at TEXT,
  -- JSON arrays: lower-cased tags, instructor ids.
  tags TEXT NOT NULL DEFAULT '[]',
  instructor_ids TEXT NOT NULL DEFAULT '[]',
  summary_json TEXT NOT NULL,
  synced_at TEXT NOT NULL
);
CREATE INDEX course_summaries_newest_idx ON course_summaries (published_at DESC, id DESC);
CREATE INDEX course_summaries_rating_idx ON course_summaries (rating_avg DESC, id DESC);
CREATE INDEX course_summaries_popularity_idx ON course_summaries (enrollment_count DESC, id DESC);
CREATE INDEX course_summaries_filters_idx ON course_summaries (status, subject, level, type, language, price_cents);

-- Full-text index of the cached summaries (rowid = course_summaries.rowid). Porter stemming ≈ the server's English dictionary.
CREATE VIRTUAL TABLE course_search USING fts5 (
  title, topics, instructors, description,
  tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Course details (modules, lessons, prerequisites) as the signed-in user last saw them online.
CREATE TABLE course_details (
  id TEXT PRIMARY KEY,
  viewer_id TEXT,
  version INTEGER NOT NULL,
  detail_json TEXT NOT NULL,
  synced_at TEXT NOT NULL
);

-- Small key-value settings (JSON values): connectivity memory, UI choices, later the sync cursors.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Enrollments, progress, downloads and the sync outbox get their own migrations with the sync engine.
