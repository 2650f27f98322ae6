-- Analytics collector, database and file sources (issue 5).

-- Transactional outbox (public schema, the OLTP side): a platform event (enrolled, course published, course completed,
-- course rated) is written as an xAPI statement IN THE SAME TRANSACTION as the business change, so it exists if and
-- only if the change committed. The outbox relay moves unpublished rows to the collector in order and marks them
-- published only after the collector took them (at least once; the collector drops repeats of a statement id).
CREATE TABLE event_outbox (
  -- The statement's id (UUIDv7, so it also orders rows written in the same instant).
  id uuid PRIMARY KEY,
  statement jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  -- Deliveries tried, and why the last one failed (or why the collector refused the statement).
  attempts integer NOT NULL DEFAULT 0,
  last_error text
);
-- The relay's queue: unpublished rows in order.
CREATE INDEX event_outbox_pending_idx ON event_outbox (created_at, id) WHERE published_at IS NULL;
-- Pruning of rows published long ago.
CREATE INDEX event_outbox_published_idx ON event_outbox (published_at) WHERE published_at IS NOT NULL;

-- Wake the relays on commit (one notification per inserting statement; NOTIFY is delivered at commit, never for a
-- rolled-back transaction). Relays also poll, so a missed notification only delays.
CREATE FUNCTION event_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('event_outbox', '');
  RETURN NULL;
END
$$;
CREATE TRIGGER event_outbox_notify AFTER INSERT ON event_outbox
  FOR EACH STATEMENT EXECUTE FUNCTION event_outbox_notify();

CREATE SCHEMA IF NOT EXISTS analytics;

-- How far each configured SQL table poller has read: the last value of its increasing column (as text, as
-- PostgreSQL printed it) and of the tie-breaking key, advanced only after the collector took the rows.
CREATE TABLE analytics.source_checkpoints (
  -- The source's configured name.
  source text PRIMARY KEY,
  -- What it reads ("table(column, key)"), so a source pointed at another table is noticed, not silently resumed.
  target text NOT NULL,
  cursor_value text,
  key_value text,
  rows_read bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Event files imported from the drop folder, by content: a file whose SHA-256 is here is never imported again (a
-- copy of it dropped again, or left in the inbox by a crash before it was moved to done/, is recognised and skipped).
CREATE TABLE analytics.imported_files (
  sha256 text PRIMARY KEY,
  name text NOT NULL,
  size bigint NOT NULL,
  lines integer NOT NULL,
  accepted integer NOT NULL,
  duplicates integer NOT NULL,
  rejected integer NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now()
);
