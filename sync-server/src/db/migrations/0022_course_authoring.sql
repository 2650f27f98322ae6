-- Authoring (issue 15): who made a course's latest edit, answered with a version conflict ("changed by … at …").
ALTER TABLE courses ADD COLUMN updated_by uuid;

-- The instructor's working copy of a course (authoring through sync): edits change it, students keep studying the
-- published tables until publishCourse copies it over. `version` is the draft's own, the base every edit names.
CREATE TABLE course_drafts (
  course_id uuid PRIMARY KEY REFERENCES courses(id) ON DELETE CASCADE,
  doc jsonb NOT NULL,
  version integer NOT NULL,
  updated_by uuid,
  updated_at timestamptz NOT NULL DEFAULT now()
);
