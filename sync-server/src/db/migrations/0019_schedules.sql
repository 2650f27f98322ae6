-- Scheduled releases (issue 14): a lesson with release_at in the future is hidden from students until then; at that
-- time the scheduler (graphile-worker, schema graphile_worker, installed by migrate()) sends content_released and
-- touches the lesson so synced devices fetch the course again.
ALTER TABLE lessons ADD COLUMN release_at timestamptz;

-- Deadlines across a student's courses (GET /api/v1/me/deadlines, the calendar feed, reminders).
CREATE INDEX lessons_course_due_idx ON lessons (course_id, due_at) WHERE due_at IS NOT NULL;
