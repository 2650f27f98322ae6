-- Analytics event stream, embedded adapter (module analytics/stream): a durable log in PostgreSQL with Kafka's shape.
-- A topic has a fixed number of stream partitions (an event goes to hash(actor) mod n, so one learner stays in
-- order); each stream partition numbers its events 0, 1, 2, … in COMMIT order: a publisher locks the head rows of
-- the partitions it writes (in partition order, so publishers never deadlock) until its transaction ends, so no event
-- can become visible below an offset a consumer has already read past, and the numbers have no gaps (lag is a
-- subtraction). Storage is range-partitioned by EVENT time (a day per table, created on demand, plus a default
-- table for timestamps outside the window), so retention drops whole days. Consumer groups keep one committed
-- offset per stream partition and lease partitions to their members.
CREATE SCHEMA IF NOT EXISTS analytics;

-- The next offset of each (topic, stream partition); low_water: the lowest offset still stored (retention).
CREATE TABLE analytics.stream_heads (
  topic text NOT NULL,
  part smallint NOT NULL,
  next_seq bigint NOT NULL DEFAULT 0,
  low_water bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (topic, part)
);
INSERT INTO analytics.stream_heads (topic, part)
SELECT t, p FROM unnest(ARRAY['lyceum.learning-events', 'lyceum.platform-events']) AS t, generate_series(0, 7) AS p;

-- The log. payload is `json` (kept verbatim): a pass-through log never queries inside it, and json costs half of
-- jsonb to write and to read back (and accepts any string the collector accepted).
CREATE TABLE analytics.stream_events (
  topic text NOT NULL,
  part smallint NOT NULL,
  seq bigint NOT NULL,
  -- The event's own time (LearningEvent.timestamp): the partition key.
  event_time timestamptz NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now(),
  payload json NOT NULL
) PARTITION BY RANGE (event_time);
-- Consumers read one stream partition from an offset: a range scan per day table.
CREATE INDEX stream_events_seq_idx ON analytics.stream_events (topic, part, seq);
CREATE TABLE analytics.stream_events_default PARTITION OF analytics.stream_events DEFAULT;

-- A consumer group's position in each stream partition (the next offset to read) and the member leasing it.
CREATE TABLE analytics.stream_consumers (
  topic text NOT NULL,
  group_id text NOT NULL,
  part smallint NOT NULL,
  committed bigint NOT NULL,
  owner text,
  lease_until timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (topic, group_id, part)
);

-- Live members of each group (heartbeats); partitions are dealt out by rank among the live members.
CREATE TABLE analytics.stream_members (
  topic text NOT NULL,
  group_id text NOT NULL,
  member text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (topic, group_id, member)
);

-- Append a batch: event i is p_parts[i] (its stream partition), p_ranks[i] (its place among the batch's events of
-- that partition: 0, 1, 2, …), p_times[i] and the i-th element of the JSON array p_docs. Wakes consumers at commit.
-- (The set-returning functions run in lockstep, streaming: no join, no sort; work_mem keeps the JSON array in memory.)
CREATE FUNCTION analytics.stream_append(
  p_topic text, p_parts smallint[], p_ranks integer[], p_times timestamptz[], p_docs json
) RETURNS integer LANGUAGE plpgsql SET work_mem = '64MB' AS $$
DECLARE
  wanted smallint[] := ARRAY(SELECT DISTINCT x FROM unnest(p_parts) AS x ORDER BY x);
  locked integer;
  n integer;
BEGIN
  -- Held until commit: the next publisher to these partitions numbers its events after ours, once ours are visible.
  SELECT count(*) INTO locked FROM (
    SELECT 1 FROM analytics.stream_heads WHERE topic = p_topic AND part = ANY (wanted) ORDER BY part FOR UPDATE
  ) AS l;
  IF locked <> cardinality(wanted) THEN
    RAISE EXCEPTION 'analytics stream: topic % has no partition among %', p_topic, wanted;
  END IF;
  INSERT INTO analytics.stream_events (topic, part, seq, event_time, payload)
  SELECT p_topic, x.part, h.next_seq + x.rank, x.t, x.doc
  FROM (
    SELECT unnest(p_parts) AS part, unnest(p_ranks) AS rank, unnest(p_times) AS t, json_array_elements(p_docs) AS doc
  ) AS x
  JOIN analytics.stream_heads h ON h.topic = p_topic AND h.part = x.part;
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n <> cardinality(p_parts) OR n <> cardinality(p_ranks) OR n <> cardinality(p_times) THEN
    RAISE EXCEPTION 'analytics stream: a batch of % events came with % ranks, % times and % documents',
      cardinality(p_parts), cardinality(p_ranks), cardinality(p_times), n;
  END IF;
  UPDATE analytics.stream_heads h SET next_seq = h.next_seq + c.n
  FROM (SELECT x AS part, count(*) AS n FROM unnest(p_parts) AS x GROUP BY x) AS c
  WHERE h.topic = p_topic AND h.part = c.part;
  PERFORM pg_notify('analytics_stream', 'e:' || p_topic);
  RETURN n;
END $$;

-- The day table of p_day (UTC), created when missing; rows already in the default table for that day move in.
CREATE FUNCTION analytics.stream_ensure_day(p_day date) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  name text := 'stream_events_p' || to_char(p_day, 'YYYYMMDD');
  lo timestamptz := p_day::timestamp AT TIME ZONE 'UTC';
  hi timestamptz := (p_day + 1)::timestamp AT TIME ZONE 'UTC';
BEGIN
  PERFORM pg_advisory_xact_lock(7421007);
  IF to_regclass('analytics.' || name) IS NOT NULL THEN
    RETURN false;
  END IF;
  -- The log's readers and writers wait a moment (always locking the parent first, so no deadlock): appends still
  -- writing into the default table finish, so the check below sees their rows, and none starts meanwhile.
  LOCK TABLE analytics.stream_events IN ACCESS EXCLUSIVE MODE;
  IF EXISTS (SELECT 1 FROM analytics.stream_events_default WHERE event_time >= lo AND event_time < hi) THEN
    EXECUTE format('CREATE TABLE analytics.%I (LIKE analytics.stream_events INCLUDING DEFAULTS)', name);
    EXECUTE format(
      'WITH moved AS (DELETE FROM analytics.stream_events_default WHERE event_time >= %L AND event_time < %L RETURNING *)
       INSERT INTO analytics.%I SELECT * FROM moved', lo, hi, name);
    EXECUTE format('ALTER TABLE analytics.stream_events ATTACH PARTITION analytics.%I FOR VALUES FROM (%L) TO (%L)',
      name, lo, hi);
  ELSE
    EXECUTE format('CREATE TABLE analytics.%I PARTITION OF analytics.stream_events FOR VALUES FROM (%L) TO (%L)',
      name, lo, hi);
  END IF;
  RETURN true;
END $$;

-- Retention: drop the day tables that end before p_before and delete older rows of the default table, but only
-- what every consumer group has committed; groups idle for p_group_expiry give up their offsets first (as Kafka's
-- offsets.retention.minutes). A stream partition no group reads keeps its events until they were published before
-- p_before too (a late event is not dropped before a consumer had a chance). Answers each day table looked at and
-- whether it was dropped.
CREATE FUNCTION analytics.stream_retain(p_before timestamptz, p_group_expiry interval)
RETURNS TABLE (day_table text, dropped boolean) LANGUAGE plpgsql SET lock_timeout = '5s' AS $$
DECLARE
  old text[];
  t text;
  blocked boolean;
BEGIN
  PERFORM pg_advisory_xact_lock(7421007);
  DELETE FROM analytics.stream_members WHERE expires_at < now() - interval '1 hour';
  DELETE FROM analytics.stream_consumers c USING (
    SELECT g.topic, g.group_id FROM analytics.stream_consumers g
    WHERE NOT EXISTS (
      SELECT 1 FROM analytics.stream_members m
      WHERE m.topic = g.topic AND m.group_id = g.group_id AND m.expires_at > now())
    GROUP BY g.topic, g.group_id HAVING max(g.updated_at) < now() - p_group_expiry
  ) AS idle
  WHERE c.topic = idle.topic AND c.group_id = idle.group_id;

  -- The default table holds events dated outside the window, far past or far ahead: they age by event time or by
  -- publish time, whichever is older.
  DELETE FROM analytics.stream_events_default e
  WHERE least(e.event_time, e.published_at) < p_before
    AND NOT EXISTS (
      SELECT 1 FROM analytics.stream_consumers c WHERE c.topic = e.topic AND c.part = e.part AND c.committed <= e.seq)
    AND (e.published_at < p_before
      OR EXISTS (SELECT 1 FROM analytics.stream_consumers c WHERE c.topic = e.topic AND c.part = e.part));

  old := ARRAY(
    SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'analytics.stream_events'::regclass AND c.relname ~ '^stream_events_p[0-9]{8}$'
      AND (to_date(right(c.relname, 8), 'YYYYMMDD') + 1)::timestamp AT TIME ZONE 'UTC' <= p_before
    ORDER BY c.relname);
  IF cardinality(old) > 0 THEN
    -- Readers and writers wait a moment: no late event can slip into a table between its check and its drop.
    LOCK TABLE analytics.stream_events IN ACCESS EXCLUSIVE MODE;
  END IF;
  FOREACH t IN ARRAY old LOOP
    EXECUTE format(
      'SELECT EXISTS (SELECT 1 FROM analytics.stream_consumers c
         WHERE EXISTS (SELECT 1 FROM analytics.%1$I e WHERE e.topic = c.topic AND e.part = c.part AND e.seq >= c.committed))
       OR EXISTS (SELECT 1 FROM analytics.stream_heads h
         WHERE NOT EXISTS (SELECT 1 FROM analytics.stream_consumers c WHERE c.topic = h.topic AND c.part = h.part)
           AND EXISTS (SELECT 1 FROM analytics.%1$I e
             WHERE e.topic = h.topic AND e.part = h.part AND e.published_at >= %2$L))',
      t, p_before) INTO blocked;
    IF NOT blocked THEN
      EXECUTE format('DROP TABLE analytics.%I', t);
    END IF;
    day_table := t;
    dropped := NOT blocked;
    RETURN NEXT;
  END LOOP;

  UPDATE analytics.stream_heads h
  SET low_water = coalesce(
    (SELECT min(e.seq) FROM analytics.stream_events e WHERE e.topic = h.topic AND e.part = h.part), h.next_seq);
END $$;
