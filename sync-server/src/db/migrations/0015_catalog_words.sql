-- Typo-tolerant catalog search (issue 11): the words of published courses' titles, subjects and tags, each with how
-- many courses use it, for "Did you mean …?". A misspelled query word is matched to its nearest words by trigram
-- distance (pg_trgm, GiST index: nearest-first without a similarity threshold, which short transposed words such as
-- "pyhton" → "python" (similarity 0.27) would fall under), then the candidates are ranked by edit distance in the
-- application. Statement-level triggers keep the list in step with every change of the courses table, bulk loads too.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The distinct words of a course's title, subject and tags as the 'simple' configuration splits them (lower case),
-- without numbers and compounds ("beginner-friendly" also gives "beginner" and "friendly").
CREATE FUNCTION catalog_course_words(title text, subject text, tags_text text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(w), '{}')
  FROM unnest(tsvector_to_array(to_tsvector('simple', title || ' ' || subject || ' ' || tags_text))) AS w
  WHERE length(w) >= 2 AND w !~ '^[0-9]+$' AND w !~ '[[:punct:][:space:]]'
$$;

CREATE TABLE catalog_words (
  -- "C" collation: byte order, so a prefix is a range of the primary key.
  word text COLLATE "C" PRIMARY KEY,
  courses integer NOT NULL
);
CREATE INDEX catalog_words_trgm_idx ON catalog_words USING gist (word gist_trgm_ops);

INSERT INTO catalog_words (word, courses)
SELECT w, count(*)
FROM courses c CROSS JOIN LATERAL unnest(catalog_course_words(c.title, c.subject, c.tags_text)) AS w
WHERE c.status = 'published'
GROUP BY w;

-- Adds the words of published rows that came in and removes those of published rows that went out. An update that
-- changes none of title, subject, tags and status (ratings, enrollment counts) leaves at once.
CREATE FUNCTION catalog_words_follow() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  plus text[] := '{}';
  minus text[] := '{}';
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT coalesce(array_agg(w), '{}') INTO plus
    FROM new_rows r CROSS JOIN LATERAL unnest(catalog_course_words(r.title, r.subject, r.tags_text)) AS w
    WHERE r.status = 'published';
  ELSIF TG_OP = 'DELETE' THEN
    SELECT coalesce(array_agg(w), '{}') INTO minus
    FROM old_rows r CROSS JOIN LATERAL unnest(catalog_course_words(r.title, r.subject, r.tags_text)) AS w
    WHERE r.status = 'published';
  ELSE
    IF NOT EXISTS (
      SELECT 1 FROM new_rows n FULL JOIN old_rows o ON o.id = n.id
      WHERE (n.title, n.subject, n.tags_text, n.status) IS DISTINCT FROM (o.title, o.subject, o.tags_text, o.status)
    ) THEN
      RETURN NULL;
    END IF;
    SELECT coalesce(array_agg(w), '{}') INTO plus
    FROM new_rows r CROSS JOIN LATERAL unnest(catalog_course_words(r.title, r.subject, r.tags_text)) AS w
    WHERE r.status = 'published';
    SELECT coalesce(array_agg(w), '{}') INTO minus
    FROM old_rows r CROSS JOIN LATERAL unnest(catalog_course_words(r.title, r.subject, r.tags_text)) AS w
    WHERE r.status = 'published';
  END IF;
  -- In word order, so concurrent changes lock shared words in the same order.
  INSERT INTO catalog_words AS cw (word, courses)
  SELECT d.word, d.n
  FROM (
    SELECT x.word, sum(x.sign)::int AS n
    FROM (SELECT unnest(plus) AS word, 1 AS sign UNION ALL SELECT unnest(minus), -1) x
    GROUP BY x.word
    HAVING sum(x.sign) <> 0
  ) d
  ORDER BY d.word
  ON CONFLICT (word) DO UPDATE SET courses = cw.courses + EXCLUDED.courses;
  IF cardinality(minus) > 0 THEN
    DELETE FROM catalog_words WHERE word = ANY (minus) AND courses <= 0;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER courses_words_insert AFTER INSERT ON courses
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_words_follow();
CREATE TRIGGER courses_words_update AFTER UPDATE ON courses
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_words_follow();
CREATE TRIGGER courses_words_delete AFTER DELETE ON courses
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_words_follow();

CREATE FUNCTION catalog_words_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM catalog_words;
  RETURN NULL;
END
$$;
CREATE TRIGGER courses_words_truncate AFTER TRUNCATE ON courses
  FOR EACH STATEMENT EXECUTE FUNCTION catalog_words_truncate();
