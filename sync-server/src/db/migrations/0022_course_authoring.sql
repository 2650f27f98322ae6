-- Authoring (issue 15): who made a course's latest edit, answered with a version conflict ("changed by … at …").
ALTER TABLE courses ADD COLUMN updated_by uuid;
