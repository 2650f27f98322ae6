-- Analytics collector (issue 5): the statement record loses its verb index. Every collected statement paid for it
-- (bench:ingest: about a tenth of the record's database time), while an xAPI GET filtered by verb alone is rare — a
-- verb is usually asked together with an agent or an activity, whose indexes remain; a verb-only query walks the
-- (stored, id) index in the order it answers in anyway.
DROP INDEX IF EXISTS analytics.statements_verb_idx;

-- The statement itself becomes text: the collector has validated it (zod) and written it with JSON.stringify, so
-- PostgreSQL's own parse on every insert (json input, then json_array_elements to split the batch) bought nothing.
-- Readers select statement::json.
ALTER TABLE analytics.statements ALTER COLUMN statement TYPE text;

-- The event log's payload becomes text as well, appended without a JSON parse: analytics.stream_append now takes the
-- events as JSON texts separated by U+001E and splits them with string_to_table (JSON.stringify never leaves that
-- character raw). Consumers parse the payload themselves.
ALTER TABLE analytics.stream_events ALTER COLUMN payload TYPE text;
DROP FUNCTION analytics.stream_append(text, smallint[], integer[], timestamptz[], json);
CREATE FUNCTION analytics.stream_append(
  p_topic text, p_parts smallint[], p_ranks integer[], p_times timestamptz[], p_docs text
) RETURNS integer LANGUAGE plpgsql AS $$
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
    SELECT unnest(p_parts) AS part, unnest(p_ranks) AS rank, unnest(p_times) AS t,
      string_to_table(p_docs, E'\x1e') AS doc
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

-- Presence (who sent something lately) is upserted for every learner in every processed batch. Its index on
-- last_stored made each of those updates write a new index entry; without it, and with room left in each page, they
-- are HOT updates. The store keeps the table to the last hour (pruned with the per-second arrivals), so "active
-- learners now" scans a small table.
DROP INDEX IF EXISTS analytics.presence_last_stored_idx;
ALTER TABLE analytics.presence SET (fillfactor = 80);
