-- Sync (module sync): the change log that pulls read, devices, and the per-device record of applied mutations.

-- Every committed change of something a client caches, as "(entity, id) changed in scope". Writers (the triggers
-- below, and sync pushes) insert into change_pending inside their own transaction; the sequencer (one at a time across
-- API nodes) moves committed pending rows into change_log with `DELETE … RETURNING` + `nextval`, so seq follows commit
-- order and a pull, which reads change_log only, can never skip a change that commits late. change_log is append-only
-- (no updates, no index churn); change_pending stays a few hundred rows. A row carries no payload: a pull reads the
-- entity's current state through its owning module (or answers a tombstone when it is gone or out of reach).
CREATE SEQUENCE change_log_seq AS bigint;

CREATE TABLE change_pending (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- 'public', 'user:<uuid>' or 'course:<uuid>'
  scope text NOT NULL,
  entity text NOT NULL CHECK (entity IN ('course', 'course_detail', 'enrollment', 'lesson_progress', 'quiz_attempt', 'preferences')),
  entity_id uuid NOT NULL,
  -- The course of a lesson_progress / quiz_attempt change.
  ref uuid,
  op text NOT NULL DEFAULT 'upsert' CHECK (op IN ('upsert', 'delete')),
  -- The writing transaction, for sync_emit's de-duplication.
  xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX change_pending_entity_idx ON change_pending (entity_id);
ALTER TABLE change_pending SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000);

CREATE TABLE change_log (
  seq bigint PRIMARY KEY,
  -- change_pending.id: the insertion order (diagnostics; it is NOT a safe cursor).
  pending_id bigint NOT NULL,
  scope text NOT NULL,
  entity text NOT NULL,
  entity_id uuid NOT NULL,
  ref uuid,
  op text NOT NULL,
  created_at timestamptz NOT NULL,
  sequenced_at timestamptz NOT NULL DEFAULT now()
);
-- Pulls: one range scan per scope of the caller.
CREATE INDEX change_log_scope_idx ON change_log (scope, seq);
-- Pruning by age: a BRIN index (the log is append-only, so sequenced_at follows the physical order), nearly free to keep.
CREATE INDEX change_log_sequenced_brin ON change_log USING brin (sequenced_at);

-- epoch: changes when the log is reset (a restored backup, a wiped log): cursors of another epoch resync.
-- low_water: the highest seq pruned; a cursor below it may have missed changes and resyncs.
CREATE TABLE sync_state (
  id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  epoch text NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', ''),
  low_water bigint NOT NULL DEFAULT 0
);
INSERT INTO sync_state DEFAULT VALUES;

-- Log one change; a transaction that touches the same entity many times (a structure edit, a push of 200
-- mutations) logs it once.
CREATE FUNCTION sync_emit(p_scope text, p_entity text, p_id uuid, p_ref uuid DEFAULT NULL, p_op text DEFAULT 'upsert')
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_id IS NULL THEN
    RETURN;
  END IF;
  PERFORM 1 FROM change_pending
    WHERE entity_id = p_id AND entity = p_entity AND scope = p_scope AND xid = pg_current_xact_id();
  IF NOT FOUND THEN
    INSERT INTO change_pending (scope, entity, entity_id, ref, op) VALUES (p_scope, p_entity, p_id, p_ref, p_op);
  END IF;
END $$;

-- Courses: catalog metadata (public, while it is or was published) and the full structure (course scope).
-- Counter-only updates (enrollments, ratings) are not logged: they would wake every client on every enrollment.
CREATE FUNCTION sync_courses_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ignored text[] := ARRAY['enrollment_count', 'rating_avg', 'rating_count', 'search', 'updated_at'];
  cid uuid;
  op text;
BEGIN
  IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - ignored) = (to_jsonb(OLD) - ignored) THEN
    RETURN NULL;
  END IF;
  cid := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
  op := CASE WHEN TG_OP = 'DELETE' OR NEW.status <> 'published' THEN 'delete' ELSE 'upsert' END;
  IF (TG_OP <> 'INSERT' AND OLD.status = 'published') OR (TG_OP <> 'DELETE' AND NEW.status = 'published') THEN
    PERFORM sync_emit('public', 'course', cid, NULL, op);
  END IF;
  PERFORM sync_emit('course:' || cid, 'course_detail', cid, NULL, CASE WHEN TG_OP = 'DELETE' THEN 'delete' ELSE 'upsert' END);
  RETURN NULL;
END $$;
CREATE TRIGGER courses_sync AFTER INSERT OR UPDATE OR DELETE ON courses FOR EACH ROW EXECUTE FUNCTION sync_courses_trigger();

-- Anything under a course (modules, lessons, quizzes, prerequisites): its structure changed.
CREATE FUNCTION sync_course_part_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cid uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.course_id ELSE NEW.course_id END;
BEGIN
  PERFORM sync_emit('course:' || cid, 'course_detail', cid);
  IF TG_OP = 'UPDATE' AND OLD.course_id <> NEW.course_id THEN
    PERFORM sync_emit('course:' || OLD.course_id, 'course_detail', OLD.course_id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER course_modules_sync AFTER INSERT OR UPDATE OR DELETE ON course_modules FOR EACH ROW EXECUTE FUNCTION sync_course_part_trigger();
CREATE TRIGGER lessons_sync AFTER INSERT OR UPDATE OR DELETE ON lessons FOR EACH ROW EXECUTE FUNCTION sync_course_part_trigger();
CREATE TRIGGER quizzes_sync AFTER INSERT OR UPDATE OR DELETE ON quizzes FOR EACH ROW EXECUTE FUNCTION sync_course_part_trigger();
CREATE TRIGGER course_prerequisites_sync AFTER INSERT OR UPDATE OR DELETE ON course_prerequisites FOR EACH ROW EXECUTE FUNCTION sync_course_part_trigger();

CREATE FUNCTION sync_quiz_questions_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cid uuid;
BEGIN
  SELECT course_id INTO cid FROM quizzes WHERE lesson_id = CASE WHEN TG_OP = 'DELETE' THEN OLD.lesson_id ELSE NEW.lesson_id END;
  IF cid IS NOT NULL THEN
    PERFORM sync_emit('course:' || cid, 'course_detail', cid);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER quiz_questions_sync AFTER INSERT OR UPDATE OR DELETE ON quiz_questions FOR EACH ROW EXECUTE FUNCTION sync_quiz_questions_trigger();

-- An instructor added or removed: the course enters or leaves their scope.
CREATE FUNCTION sync_course_instructors_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM sync_emit('user:' || OLD.user_id, 'course_detail', OLD.course_id);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM sync_emit('user:' || NEW.user_id, 'course_detail', NEW.course_id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER course_instructors_sync AFTER INSERT OR UPDATE OR DELETE ON course_instructors FOR EACH ROW EXECUTE FUNCTION sync_course_instructors_trigger();

-- Enrollments: the student's enrollment; and when the course enters or leaves their scope, its structure in their
-- own scope (its course-scope changes are older than their cursor, or no longer theirs: a tombstone).
CREATE FUNCTION sync_enrollments_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  uid uuid;
  cid uuid;
  was_in boolean := false;
  is_in boolean := false;
BEGIN
  IF TG_OP = 'DELETE' THEN
    uid := OLD.user_id;
    cid := OLD.course_id;
  ELSE
    uid := NEW.user_id;
    cid := NEW.course_id;
    is_in := NEW.status <> 'dropped';
  END IF;
  IF TG_OP <> 'INSERT' THEN
    was_in := OLD.status <> 'dropped';
  END IF;
  PERFORM sync_emit('user:' || uid, 'enrollment', cid, cid, CASE WHEN TG_OP = 'DELETE' THEN 'delete' ELSE 'upsert' END);
  IF was_in <> is_in THEN
    PERFORM sync_emit('user:' || uid, 'course_detail', cid, NULL, CASE WHEN is_in THEN 'upsert' ELSE 'delete' END);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER enrollments_sync AFTER INSERT OR UPDATE OR DELETE ON enrollments FOR EACH ROW EXECUTE FUNCTION sync_enrollments_trigger();

-- The hot tables log per statement, from transition tables: one INSERT for every row a statement wrote (a push
-- merges many lesson states in one statement), de-duplicated within the transaction.
-- Lesson state (and the enrollment's derived progress, grade and next lesson).
CREATE FUNCTION sync_lesson_progress_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A sync push logs its own changes in one INSERT (SET LOCAL lyceum.sync_capture = 'off'; see modules/sync/push.ts).
  IF current_setting('lyceum.sync_capture', true) = 'off' THEN
    RETURN NULL;
  END IF;
  INSERT INTO change_pending (scope, entity, entity_id, ref)
  SELECT DISTINCT r.scope, r.entity, r.entity_id, r.ref
  FROM (
    SELECT 'user:' || n.user_id AS scope, 'lesson_progress' AS entity, n.lesson_id AS entity_id, n.course_id AS ref FROM new_rows n
    UNION ALL
    SELECT 'user:' || n.user_id, 'enrollment', n.course_id, n.course_id FROM new_rows n
  ) r
  WHERE NOT EXISTS (
    SELECT 1 FROM change_pending c
    WHERE c.entity_id = r.entity_id AND c.entity = r.entity AND c.scope = r.scope AND c.xid = pg_current_xact_id());
  RETURN NULL;
END $$;
CREATE TRIGGER lesson_progress_sync_insert AFTER INSERT ON lesson_progress REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sync_lesson_progress_trigger();
CREATE TRIGGER lesson_progress_sync_update AFTER UPDATE ON lesson_progress REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sync_lesson_progress_trigger();

CREATE FUNCTION sync_quiz_attempts_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A sync push logs its own changes in one INSERT (SET LOCAL lyceum.sync_capture = 'off'; see modules/sync/push.ts).
  IF current_setting('lyceum.sync_capture', true) = 'off' THEN
    RETURN NULL;
  END IF;
  INSERT INTO change_pending (scope, entity, entity_id, ref)
  SELECT DISTINCT r.scope, r.entity, r.entity_id, r.ref
  FROM (
    SELECT 'user:' || n.user_id AS scope, 'quiz_attempt' AS entity, n.id AS entity_id, n.course_id AS ref FROM new_rows n
    UNION ALL
    SELECT 'user:' || n.user_id, 'enrollment', n.course_id, n.course_id FROM new_rows n
  ) r
  WHERE NOT EXISTS (
    SELECT 1 FROM change_pending c
    WHERE c.entity_id = r.entity_id AND c.entity = r.entity AND c.scope = r.scope AND c.xid = pg_current_xact_id());
  RETURN NULL;
END $$;
CREATE TRIGGER quiz_attempts_sync AFTER INSERT ON quiz_attempts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sync_quiz_attempts_trigger();

CREATE FUNCTION sync_preferences_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM sync_emit('user:' || NEW.id, 'preferences', NEW.id);
  RETURN NULL;
END $$;
CREATE TRIGGER users_preferences_sync AFTER UPDATE OF preferences ON users FOR EACH ROW
  WHEN (OLD.preferences IS DISTINCT FROM NEW.preferences) EXECUTE FUNCTION sync_preferences_trigger();

-- One installation of the desktop app for one user.
CREATE TABLE devices (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  first_seen timestamptz NOT NULL DEFAULT now(),
  last_seen timestamptz NOT NULL DEFAULT now(),
  -- Where the device's last completed pull ended (for support and pruning decisions).
  last_pull_seq bigint
);
CREATE INDEX devices_user_idx ON devices (user_id);

-- Every mutation a device pushed, with the answer it got: a retry gets the same answer and applies nothing twice.
-- Written in the same transaction as the mutation's effects.
CREATE TABLE sync_mutations (
  mutation_id uuid PRIMARY KEY,
  device_id uuid NOT NULL,
  user_id uuid NOT NULL,
  name text NOT NULL,
  client_seq bigint NOT NULL,
  status text NOT NULL CHECK (status IN ('applied', 'rejected')),
  result jsonb,
  applied_at timestamptz NOT NULL DEFAULT now()
);
-- No secondary index: the hot path looks records up by mutation id only (one more index cost ~5% of push throughput).
