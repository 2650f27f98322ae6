-- Media processing jobs (issue 4): a persisted queue claimed with FOR UPDATE SKIP LOCKED and a lease, so a job whose
-- worker died (server restart) is taken again once locked_until has passed.
CREATE TABLE media_jobs (
  id uuid PRIMARY KEY,
  asset_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('package_video')),
  source_key text NOT NULL,
  -- The uploader: progress goes to their socket.io room user:<id>.
  owner_id uuid,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  progress_percent smallint NOT NULL DEFAULT 0 CHECK (progress_percent BETWEEN 0 AND 100),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 3,
  error text,
  locked_by text,
  locked_until timestamptz,
  -- {durationSeconds, renditions[], master, poster, files[{key,size,sha256,contentType}]} once succeeded.
  result jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  UNIQUE (asset_id, kind)
);
-- The claim query: queued jobs, and running jobs whose lease expired, oldest first.
CREATE INDEX media_jobs_claimable ON media_jobs (created_at) WHERE status IN ('queued', 'running');
