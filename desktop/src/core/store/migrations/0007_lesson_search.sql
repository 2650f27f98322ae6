-- Search inside the lessons stored on this device (issue 11): the text lessons' bodies and the quiz questions (prompts
-- and options) of the stored course structures, in an FTS5 index. Triggers on course_details keep it in step with
-- every write of a structure (enrolling, "Available offline", a pull, opening a course online) and every removal
-- (a course gone from the server, an account's data cleared), whichever code path does it.

-- The lessons of every stored structure that the student may read (not locked) and that have text.
CREATE VIEW course_detail_lessons AS
SELECT
  d.id AS course_id,
  json_extract(l.value, '$.id') AS lesson_id,
  json_extract(d.detail_json, '$.title') AS course_title,
  json_extract(m.value, '$.title') AS module_title,
  json_extract(l.value, '$.kind') AS kind,
  json_extract(l.value, '$.title') AS title,
  trim(
    coalesce(json_extract(l.value, '$.body'), '') || char(10) || coalesce((
      SELECT group_concat(
        json_extract(q.value, '$.prompt') || coalesce(char(10) || (
          SELECT group_concat(json_extract(o.value, '$.text'), char(10)) FROM json_each(q.value, '$.options') o
        ), ''),
        char(10)
      )
      FROM json_each(l.value, '$.quiz.questions') q
    ), '')
  ) AS body
FROM course_details d,
  json_each(CASE WHEN json_valid(d.detail_json) THEN d.detail_json ELSE '{}' END, '$.modules') m,
  json_each(m.value, '$.lessons') l
WHERE json_extract(l.value, '$.locked') = 0
  AND (json_extract(l.value, '$.body') <> '' OR json_array_length(l.value, '$.quiz.questions') > 0);

-- One row per indexed lesson; lesson_search indexes its title and body (external content: the text is stored once).
CREATE TABLE lesson_texts (
  id INTEGER PRIMARY KEY,
  course_id TEXT NOT NULL,
  lesson_id TEXT NOT NULL,
  course_title TEXT NOT NULL,
  module_title TEXT NOT NULL,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX lesson_texts_course_idx ON lesson_texts (course_id);

CREATE VIRTUAL TABLE lesson_search USING fts5 (
  title, body,
  content = 'lesson_texts', content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER lesson_texts_ai AFTER INSERT ON lesson_texts BEGIN
  INSERT INTO lesson_search (rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body);
END;
CREATE TRIGGER lesson_texts_ad AFTER DELETE ON lesson_texts BEGIN
  INSERT INTO lesson_search (lesson_search, rowid, title, body) VALUES ('delete', OLD.id, OLD.title, OLD.body);
END;

CREATE TRIGGER course_details_lessons_ai AFTER INSERT ON course_details BEGIN
  INSERT INTO lesson_texts (course_id, lesson_id, course_title, module_title, kind, title, body)
  SELECT course_id, lesson_id, coalesce(course_title, ''), coalesce(module_title, ''), kind, coalesce(title, ''), body
  FROM course_detail_lessons WHERE course_id = NEW.id;
END;
CREATE TRIGGER course_details_lessons_au AFTER UPDATE OF id, detail_json ON course_details
WHEN OLD.id IS NOT NEW.id OR OLD.detail_json IS NOT NEW.detail_json BEGIN
  DELETE FROM lesson_texts WHERE course_id = OLD.id;
  INSERT INTO lesson_texts (course_id, lesson_id, course_title, module_title, kind, title, body)
  SELECT course_id, lesson_id, coalesce(course_title, ''), coalesce(module_title, ''), kind, coalesce(title, ''), body
  FROM course_detail_lessons WHERE course_id = NEW.id;
END;
CREATE TRIGGER course_details_lessons_ad AFTER DELETE ON course_details BEGIN
  DELETE FROM lesson_texts WHERE course_id = OLD.id;
END;

-- The structures already stored.
INSERT INTO lesson_texts (course_id, lesson_id, course_title, module_title, kind, title, body)
SELECT course_id, lesson_id, coalesce(course_title, ''), coalesce(module_title, ''), kind, coalesce(title, ''), body
FROM course_detail_lessons;
