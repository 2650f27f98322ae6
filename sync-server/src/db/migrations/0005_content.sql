-- Content (module content): uploaded files of a course, and the resumable uploads that bring them in.

-- One row per uploaded file. The bytes live in the content storage port under assets/<id>/ (the upload as
-- `original.<ext>`, packaged renditions beside it); this table is the index and the status of each.
CREATE TABLE content_assets (
  id uuid PRIMARY KEY,
  course_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
  -- No foreign key: a lesson deleted by a structure edit leaves its assets detached, not lost.
  lesson_id uuid,
  kind text NOT NULL CHECK (kind IN ('video', 'slides', 'document', 'attachment')),
  original_name text NOT NULL,
  -- Detected from the bytes when the upload completes.
  mime_type text,
  size bigint NOT NULL CHECK (size >= 0),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  status text NOT NULL CHECK (status IN ('uploading', 'ready', 'processing', 'failed')),
  failure_reason text,
  -- The key of the uploaded file in the storage port, once complete.
  storage_key text,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (status <> 'failed' OR failure_reason IS NOT NULL)
);
CREATE INDEX content_assets_course_idx ON content_assets (course_id, created_at);
CREATE INDEX content_assets_lesson_idx ON content_assets (lesson_id) WHERE lesson_id IS NOT NULL;

-- A chunked, resumable upload of one asset. Chunks are kept in the storage port (uploads/<id>/<index>) until complete.
CREATE TABLE content_uploads (
  id uuid PRIMARY KEY,
  asset_id uuid NOT NULL REFERENCES content_assets (id) ON DELETE CASCADE,
  course_id uuid NOT NULL,
  created_by uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'completed')),
  size bigint NOT NULL CHECK (size > 0),
  sha256 text NOT NULL,
  chunk_size integer NOT NULL CHECK (chunk_size > 0),
  chunk_count integer NOT NULL CHECK (chunk_count > 0),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Chunks received so far, each verified against the sha256 the client sent with it.
CREATE TABLE content_upload_chunks (
  upload_id uuid NOT NULL REFERENCES content_uploads (id) ON DELETE CASCADE,
  index integer NOT NULL CHECK (index >= 0),
  size integer NOT NULL,
  sha256 text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (upload_id, index)
);
