-- Authoring (issue 15): who made a course's latest edit, answered with a version conflict ("changed by … at …").
ALTER TABLE courses ADD COLUMN updated_by uuid;

-- The instructor's working copy of a course (authoring through sync): edits change it, students keep studying the
-- published tables until publishCourse copies it over. `version` is the draft's own, the base every edit names.
CREATE TABLE course_drafts (
  course_id uuid PRIMARY KEY REFERENCES courses(id) ON DELETE CASCADE,
  doc json NOT NULL,
  version integer NOT NULL,
  updated_by uuid,
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- Written whole on every edit and read whole: kept as text (json, not parsed into jsonb) and not compressed.
ALTER TABLE course_drafts ALTER COLUMN doc SET STORAGE EXTERNAL;

-- Sync: a draft is the entity `course_draft` in the scope of each of the course's instructors (all their devices).
ALTER TABLE change_pending DROP CONSTRAINT change_pending_entity_check;
ALTER TABLE change_pending ADD CONSTRAINT change_pending_entity_check CHECK (entity IN ('course', 'course_detail',
  'enrollment', 'lesson_progress', 'quiz_attempt', 'preferences', 'notification', 'course_draft'));
CREATE FUNCTION sync_course_drafts_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cid uuid := COALESCE(NEW.course_id, OLD.course_id);
  uid uuid;
BEGIN
  FOR uid IN SELECT owner_id FROM courses WHERE id = cid
             UNION SELECT user_id FROM course_instructors WHERE course_id = cid LOOP
    PERFORM sync_emit('user:' || uid, 'course_draft', cid, NULL,
                      CASE WHEN TG_OP = 'DELETE' THEN 'delete' ELSE 'upsert' END);
  END LOOP;
  RETURN NULL;
END $$;
CREATE TRIGGER course_drafts_sync AFTER INSERT OR UPDATE OR DELETE ON course_drafts
  FOR EACH ROW EXECUTE FUNCTION sync_course_drafts_trigger();
