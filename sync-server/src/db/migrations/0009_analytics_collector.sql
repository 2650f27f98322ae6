-- Analytics collector (issue 5): the statements every source delivered (the xAPI LRS view and the de-duplication
-- record), what could not be accepted (dead letters), the clock skew of each desktop upload, and the credentials of
-- outside learning tools on the xAPI Statements resource.
CREATE SCHEMA IF NOT EXISTS analytics;

-- One row per collected statement. Written AFTER the statement was published to the stream (a crash in between only
-- re-publishes, which the idempotent processor absorbs). A repeat of a known id is compared with the stored statement:
-- the same content is a duplicate, other content a conflict.
CREATE TABLE analytics.statements (
  id uuid PRIMARY KEY,
  -- json, not jsonb: kept as received (completed), never queried inside, and cheaper to write at 20,000/s.
  statement json NOT NULL,
  -- actorKey(): a Lyceum user id, or mbox:/account:/openid:/sha1: for outside agents.
  actor text NOT NULL,
  verb text NOT NULL,
  activity text NOT NULL,
  registration uuid,
  "timestamp" timestamptz NOT NULL,
  stored timestamptz NOT NULL,
  source text NOT NULL CHECK (source IN ('desktop', 'xapi', 'outbox', 'sql', 'file')),
  device_id text,
  skew_ms bigint
);
-- xAPI GET: newest (or oldest) first, optionally by agent, verb, activity or registration, paged on (stored, id).
CREATE INDEX statements_stored_idx ON analytics.statements (stored, id);
CREATE INDEX statements_actor_idx ON analytics.statements (actor, stored, id);
CREATE INDEX statements_verb_idx ON analytics.statements (verb, stored, id);
CREATE INDEX statements_activity_idx ON analytics.statements (activity, stored, id);
CREATE INDEX statements_registration_idx ON analytics.statements (registration, stored, id)
  WHERE registration IS NOT NULL;

-- Items the collector refused, with the reason and the raw payload, kept for inspection.
CREATE TABLE analytics.dead_letters (
  id uuid PRIMARY KEY,
  source text NOT NULL,
  -- A device id, an xAPI client key, a file name, a table.
  origin text NOT NULL,
  reason text NOT NULL,
  payload jsonb,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dead_letters_received_idx ON analytics.dead_letters (received_at DESC, id DESC);
CREATE INDEX dead_letters_source_idx ON analytics.dead_letters (source, received_at DESC, id DESC);

-- Each desktop batch upload and the device clock skew estimated from it (server receive time − device sentAt).
CREATE TABLE analytics.device_uploads (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  device_id text NOT NULL,
  sent_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  skew_ms bigint NOT NULL,
  statements integer NOT NULL,
  accepted integer NOT NULL,
  duplicates integer NOT NULL,
  rejected integer NOT NULL
);
CREATE INDEX device_uploads_device_idx ON analytics.device_uploads (user_id, device_id, received_at DESC);

-- Credentials of outside learning tools (HTTP Basic key:secret). The secret is random (256 bits) and shown once;
-- only its SHA-256 is kept (a slow hash buys nothing for a random secret and would cost every request).
CREATE TABLE analytics.xapi_clients (
  id uuid PRIMARY KEY,
  key text NOT NULL UNIQUE,
  secret_hash text NOT NULL,
  name text NOT NULL,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  disabled boolean NOT NULL DEFAULT false
);
