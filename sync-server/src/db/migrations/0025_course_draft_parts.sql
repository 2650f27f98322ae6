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
