-- A lesson's files are part of what an enrolled device keeps: when an asset attached to a lesson becomes ready, moves
-- to another lesson, changes its stored file or goes away, the course's structure is logged as changed (course scope),
-- so devices that keep the course offline pull it and compare the lesson's content manifest with what they store.
-- Uploading and packaging steps (status 'uploading'/'processing', progress timestamps) are not logged.
CREATE FUNCTION sync_content_assets_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was_live boolean := TG_OP <> 'INSERT' AND OLD.lesson_id IS NOT NULL AND OLD.status = 'ready';
  is_live boolean := TG_OP <> 'DELETE' AND NEW.lesson_id IS NOT NULL AND NEW.status = 'ready';
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.lesson_id IS NOT DISTINCT FROM NEW.lesson_id AND OLD.status = NEW.status
     AND OLD.storage_key IS NOT DISTINCT FROM NEW.storage_key AND OLD.sha256 = NEW.sha256 THEN
    RETURN NULL;
  END IF;
  IF was_live THEN
    PERFORM sync_emit('course:' || OLD.course_id, 'course_detail', OLD.course_id);
  END IF;
  IF is_live THEN
    PERFORM sync_emit('course:' || NEW.course_id, 'course_detail', NEW.course_id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER content_assets_sync AFTER INSERT OR UPDATE OR DELETE ON content_assets
  FOR EACH ROW EXECUTE FUNCTION sync_content_assets_trigger();
