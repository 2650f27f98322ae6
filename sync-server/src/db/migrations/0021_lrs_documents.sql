-- xAPI 1.0.3 LRS, document resources (issue 19): State (activity + agent [+ registration]), Activity Profile
-- (activity) and Agent Profile (agent) documents, any content type, with the ETag their concurrency control uses.
-- Absent parts of a document's context are stored as '' so one primary key covers the three resources.
CREATE TABLE lrs.documents (
  kind text NOT NULL CHECK (kind IN ('state', 'activity_profile', 'agent_profile')),
  activity_id text NOT NULL DEFAULT '',
  -- The Agent's inverse functional identifier key (mbox:..., sha1:..., openid:..., account:<homePage> <name>).
  agent text NOT NULL DEFAULT '',
  -- A lowercase registration UUID, or ''.
  registration text NOT NULL DEFAULT '',
  document_id text NOT NULL,
  content_type text NOT NULL,
  content bytea NOT NULL,
  -- Lowercase hex SHA-1 of the content (xAPI-Communication 3.1), unquoted.
  etag text NOT NULL,
  updated timestamptz NOT NULL,
  PRIMARY KEY (kind, activity_id, agent, registration, document_id)
);
-- Listings of ids (optionally since a time) and deletes of a whole context.
CREATE INDEX lrs_documents_context_idx ON lrs.documents (kind, activity_id, agent, registration, updated);
