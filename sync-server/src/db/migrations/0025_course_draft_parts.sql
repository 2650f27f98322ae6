-- Authoring conflicts per part (issue 15): an edit conflicts only when the part it touches (a course detail, a module's
-- title or place, a lesson's field, place or quiz) was changed after its base version by another client. Each part's
-- last change: at which draft version, by which client (device) and user, when. Deletions stay as `gone` rows.
CREATE TABLE course_draft_parts (
  course_id uuid NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
  entity text NOT NULL,
  field text NOT NULL,
  version integer NOT NULL,
  client_id uuid,
  user_id uuid,
  changed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (course_id, entity, field)
);
CREATE INDEX course_draft_parts_recent ON course_draft_parts (course_id, version);

-- A client's chain of offline edits: each edit after the first names the version its previous edit would produce
-- (`tip`), which says nothing of what it saw; what it saw is the base of the chain's first edit (`seen`).
CREATE TABLE course_draft_clients (
  course_id uuid NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
  client_id uuid NOT NULL,
  seen_version integer NOT NULL,
  tip_version integer NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (course_id, client_id)
);

-- Content retention: since when an uploaded file is no longer the lesson's (replaced by a newer ready one of its kind,
-- failed) or referenced by anything of its course (no lesson, draft, body or cover names it). The retention job removes
-- it from storage once that has lasted the grace period; a file referenced again loses its row here.
CREATE TABLE content_asset_unreferenced (
  asset_id uuid PRIMARY KEY REFERENCES content_assets(id) ON DELETE CASCADE,
  since timestamptz NOT NULL,
  reason text NOT NULL CHECK (reason IN ('replaced', 'failed', 'orphaned'))
);
