-- Notifications (issue 14, module notifications): the inbox, email deliveries (immediate, deferred by quiet hours, or
-- waiting for a digest), announcements, each user's notification preferences, and the outbox consumer's mark.

-- One inbox entry of one user. The dedupe key is unique per user: a retried job, the outbox read twice or a second
-- API node cannot deliver the same thing twice (fan-out is INSERT … SELECT … ON CONFLICT DO NOTHING).
CREATE TABLE notifications (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  type text NOT NULL CHECK (type IN ('content_released', 'course_updated', 'deadline_upcoming', 'enrollment_confirmed',
    'payment_receipt', 'refund_issued', 'announcement', 'grade_posted', 'alert')),
  course_id uuid,
  lesson_id uuid,
  title text NOT NULL,
  body text NOT NULL,
  url text,
  dedupe_key text NOT NULL,
  -- The user's push (live/OS) preference for the type when it was made.
  push boolean NOT NULL DEFAULT true,
  announcement_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz,
  UNIQUE (user_id, dedupe_key)
);
CREATE INDEX notifications_inbox_idx ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_announcement_idx ON notifications (announcement_id) WHERE announcement_id IS NOT NULL;

-- Email deliveries: one row per notification to email (mode immediately: sent once not_before is reached, which quiet
-- hours push to their end), or waiting for the user's daily/weekly digest. Failed rows are the admins' failed list.
CREATE TABLE notification_emails (
  id uuid PRIMARY KEY,
  notification_id uuid REFERENCES notifications (id) ON DELETE CASCADE,
  -- No foreign key: the notification's own (ON DELETE CASCADE) covers it, and fan-out writes 50,000 of these at once.
  user_id uuid NOT NULL,
  mode text NOT NULL CHECK (mode IN ('immediately', 'daily', 'weekly')),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
  not_before timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  -- The digest email this item went out in (its id is shared by the items of one digest).
  digest_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);
CREATE INDEX notification_emails_due_idx ON notification_emails (not_before, id)
  WHERE status = 'pending' AND mode = 'immediately';
CREATE INDEX notification_emails_digest_idx ON notification_emails (mode, user_id)
  WHERE status = 'pending' AND mode <> 'immediately';
-- The delivery log pages by id (UUIDv7: creation order) on the primary key; the failed list has its own small index.
CREATE INDEX notification_emails_failed_idx ON notification_emails (id DESC) WHERE status = 'failed';
CREATE INDEX notification_emails_notification_idx ON notification_emails (notification_id);

-- An instructor's message to one course's students, or an admin's to everyone / one role.
CREATE TABLE announcements (
  id uuid PRIMARY KEY,
  course_id uuid REFERENCES courses (id) ON DELETE CASCADE,
  role text CHECK (role IN ('student', 'instructor', 'admin')),
  author_id uuid NOT NULL REFERENCES users (id),
  title text NOT NULL,
  body text NOT NULL,
  body_html text NOT NULL,
  email boolean NOT NULL DEFAULT false,
  send_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'sent')),
  sent_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (course_id IS NULL OR role IS NULL)
);
CREATE INDEX announcements_course_idx ON announcements (course_id, created_at DESC);
CREATE INDEX announcements_due_idx ON announcements (send_at) WHERE status = 'scheduled';

-- Per user: type × channel choices, muted courses, quiet hours and their time zone (NotificationPreferences; what is
-- absent takes the defaults of @lyceum/contracts).
CREATE TABLE notification_settings (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  settings jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The notifications' reading of the transactional outbox (beside the analytics relay's published_at).
ALTER TABLE event_outbox ADD COLUMN notified_at timestamptz;
CREATE INDEX event_outbox_unnotified_idx ON event_outbox (created_at, id) WHERE notified_at IS NULL;

-- When an email made `at` may go out under these settings: the end of the quiet hours when `at` falls inside them
-- (in the settings' time zone, windows over midnight included), else `at`.
CREATE FUNCTION notification_quiet_until(settings jsonb, at timestamptz) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
  tz text := coalesce(settings->>'timezone', 'UTC');
  s time;
  e time;
  local timestamp;
  t time;
  d date;
BEGIN
  IF settings IS NULL OR jsonb_typeof(settings->'quietHours') IS DISTINCT FROM 'object' THEN
    RETURN at;
  END IF;
  s := (settings->'quietHours'->>'start')::time;
  e := (settings->'quietHours'->>'end')::time;
  IF s = e THEN
    RETURN at;
  END IF;
  local := at AT TIME ZONE tz;
  t := local::time;
  d := local::date;
  IF s < e THEN
    IF t >= s AND t < e THEN
      RETURN (d + e) AT TIME ZONE tz;
    END IF;
  ELSE
    IF t >= s THEN
      RETURN (d + 1 + e) AT TIME ZONE tz;
    END IF;
    IF t < e THEN
      RETURN (d + e) AT TIME ZONE tz;
    END IF;
  END IF;
  RETURN at;
EXCEPTION WHEN others THEN
  RETURN at;
END $$;

-- Sync: the inbox is the entity `notification` in the user's scope (new rows, and read state).
ALTER TABLE change_pending DROP CONSTRAINT change_pending_entity_check;
ALTER TABLE change_pending ADD CONSTRAINT change_pending_entity_check CHECK (entity IN ('course', 'course_detail',
  'enrollment', 'lesson_progress', 'quiz_attempt', 'preferences', 'notification'));

-- New rows are new entities (nothing to de-duplicate); updates (read state) are logged once per transaction.
CREATE FUNCTION sync_notifications_insert_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO change_pending (scope, entity, entity_id)
  SELECT 'user:' || n.user_id, 'notification', n.id FROM new_rows n;
  RETURN NULL;
END $$;
CREATE FUNCTION sync_notifications_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO change_pending (scope, entity, entity_id)
  SELECT 'user:' || n.user_id, 'notification', n.id FROM new_rows n
  WHERE NOT EXISTS (
    SELECT 1 FROM change_pending c
    WHERE c.entity_id = n.id AND c.entity = 'notification' AND c.xid = pg_current_xact_id());
  RETURN NULL;
END $$;
CREATE TRIGGER notifications_sync_insert AFTER INSERT ON notifications REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sync_notifications_insert_trigger();
CREATE TRIGGER notifications_sync_update AFTER UPDATE ON notifications REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sync_notifications_trigger();
