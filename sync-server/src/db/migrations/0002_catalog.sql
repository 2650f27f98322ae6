-- Course catalog: courses, their instructors, prerequisites, modules, lessons, quizzes and ratings.
CREATE TABLE courses (
  id uuid PRIMARY KEY,
  owner_id uuid NOT NULL REFERENCES users (id),
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  subject text NOT NULL,
  tags text[] NOT NULL DEFAULT '{}',
  tags_text text NOT NULL DEFAULT '',
  language text NOT NULL DEFAULT 'en',
  type text NOT NULL CHECK (type IN ('self_paced', 'instructor_led', 'cohort')),
  level text NOT NULL CHECK (level IN ('beginner', 'intermediate', 'advanced')),
  price_cents integer NOT NULL DEFAULT 0 CHECK (price_cents >= 0),
  currency text CHECK (currency ~ '^[A-Z]{3}$'),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
  cover_image_url text,
  duration_minutes integer NOT NULL DEFAULT 0,
  lesson_count integer NOT NULL DEFAULT 0,
  -- Denormalized for listing and search: [{id, name}] in display order, and the names as one text.
  instructors jsonb NOT NULL DEFAULT '[]'::jsonb,
  instructor_names text NOT NULL DEFAULT '',
  rating_avg double precision NOT NULL DEFAULT 0,
  rating_count integer NOT NULL DEFAULT 0,
  enrollment_count integer NOT NULL DEFAULT 0,
  version integer NOT NULL DEFAULT 1,
  published_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') ||
    setweight(to_tsvector('simple', title), 'A') ||
    setweight(to_tsvector('english', subject || ' ' || tags_text), 'B') ||
    setweight(to_tsvector('simple', instructor_names), 'B') ||
    setweight(to_tsvector('english', description), 'C')
  ) STORED
);
CREATE INDEX courses_search_idx ON courses USING gin (search);
CREATE INDEX courses_status_published_idx ON courses (status, published_at DESC, id DESC);
CREATE INDEX courses_status_rating_idx ON courses (status, rating_avg DESC, id DESC);
CREATE INDEX courses_status_popularity_idx ON courses (status, enrollment_count DESC, id DESC);
CREATE INDEX courses_owner_idx ON courses (owner_id);
-- Covers the facet counts (index-only scan) and the filters of unranked listings.
CREATE INDEX courses_filters_idx ON courses (status, subject, level, type, language, price_cents, duration_minutes);
CREATE INDEX courses_tags_idx ON courses USING gin (tags);

CREATE TABLE course_instructors (
  course_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id),
  position integer NOT NULL DEFAULT 0,
  PRIMARY KEY (course_id, user_id)
);
CREATE INDEX course_instructors_user_idx ON course_instructors (user_id);

CREATE TABLE course_prerequisites (
  course_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
  prerequisite_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
  PRIMARY KEY (course_id, prerequisite_id),
  CHECK (course_id <> prerequisite_id)
);
CREATE INDEX course_prerequisites_prerequisite_idx ON course_prerequisites (prerequisite_id);

CREATE TABLE course_modules (
  id uuid PRIMARY KEY,
  course_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
  position integer NOT NULL,
  title text NOT NULL
);
CREATE INDEX course_modules_course_idx ON course_modules (course_id, position);

CREATE TABLE lessons (
  id uuid PRIMARY KEY,
  course_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
  module_id uuid NOT NULL REFERENCES course_modules (id) ON DELETE CASCADE,
  position integer NOT NULL,
  title text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('video', 'slides', 'text', 'quiz')),
  duration_minutes integer NOT NULL DEFAULT 0,
  is_preview boolean NOT NULL DEFAULT false,
  required boolean NOT NULL DEFAULT true,
  due_at timestamptz,
  body text NOT NULL DEFAULT ''
);
CREATE INDEX lessons_course_idx ON lessons (course_id);
CREATE INDEX lessons_module_idx ON lessons (module_id, position);

-- Quiz settings for lessons of kind 'quiz'; questions carry their answer keys.
CREATE TABLE quizzes (
  lesson_id uuid PRIMARY KEY REFERENCES lessons (id) ON DELETE CASCADE,
  course_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
  passing_percent integer NOT NULL DEFAULT 70 CHECK (passing_percent BETWEEN 0 AND 100),
  attempts_allowed integer CHECK (attempts_allowed IS NULL OR attempts_allowed > 0),
  graded boolean NOT NULL DEFAULT true,
  weight double precision NOT NULL DEFAULT 1 CHECK (weight >= 0),
  device_gradable boolean NOT NULL DEFAULT false,
  shuffle boolean NOT NULL DEFAULT false
);
CREATE INDEX quizzes_course_idx ON quizzes (course_id);

CREATE TABLE quiz_questions (
  id uuid PRIMARY KEY,
  lesson_id uuid NOT NULL REFERENCES quizzes (lesson_id) ON DELETE CASCADE,
  position integer NOT NULL,
  type text NOT NULL CHECK (type IN ('single_choice', 'multiple_choice', 'true_false', 'short_answer', 'numeric')),
  prompt text NOT NULL,
  options jsonb NOT NULL DEFAULT '[]'::jsonb,
  answer jsonb NOT NULL,
  points double precision NOT NULL DEFAULT 1 CHECK (points >= 0),
  feedback jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX quiz_questions_lesson_idx ON quiz_questions (lesson_id, position);

CREATE TABLE course_ratings (
  course_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  stars integer NOT NULL CHECK (stars BETWEEN 1 AND 5),
  review text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (course_id, user_id)
);
CREATE INDEX course_ratings_list_idx ON course_ratings (course_id, created_at DESC, user_id DESC);

-- The catalog version: bumped after every course change, polled by every API node to drop its cached search results.
CREATE TABLE catalog_state (
  id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  version bigint NOT NULL DEFAULT 0
);
INSERT INTO catalog_state DEFAULT VALUES;
