import type pg from 'pg';

const subjects = [
  'Programming',
  'Data Science',
  'Mathematics',
  'Languages',
  'Design',
  'Business',
  'Science',
  'Music',
  'History',
  'Health',
];
const topics = [
  'Python',
  'JavaScript',
  'Statistics',
  'Calculus',
  'Spanish',
  'Typography',
  'Accounting',
  'Biology',
  'Chemistry',
  'Guitar',
  'Databases',
  'Networks',
  'Algebra',
  'French',
  'Marketing',
  'Physics',
  'Nutrition',
  'Painting',
  'Rust',
  'Kubernetes',
];
const forms = [
  'Introduction to',
  'Mastering',
  'Practical',
  'Foundations of',
  'Advanced',
  'A Gentle Course in',
  'Applied',
  'Essentials of',
];
const tags = [
  'beginner-friendly',
  'projects',
  'exam-prep',
  'hands-on',
  'theory',
  'career',
  'certificate',
  'weekend',
  'kids',
  'video',
];

/**
 * Bulk-insert `count` published courses with varied subjects, levels, types, languages, prices and durations, in one
 * INSERT … SELECT per batch (the benchmark's 50,000-course catalog). Instructors are the given user ids.
 */
export async function seedCourses(
  pool: pg.Pool,
  count: number,
  instructors: { id: string; name: string }[],
): Promise<void> {
  const batch = 10_000;
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    await pool.query(
      `INSERT INTO courses (id, owner_id, title, description, subject, tags, tags_text, language, type, level,
         price_cents, currency, status, duration_minutes, lesson_count, instructors, instructor_names,
         rating_avg, rating_count, enrollment_count, published_at, created_at, updated_at)
       SELECT gen_random_uuid(), ins.id,
         f.form || ' ' || t.topic || ' ' || (g % 97),
         'A course about ' || t.topic || ' for learners who want ' || (ARRAY['depth','speed','practice','confidence'])[1 + g % 4] || '. Lesson ' || g,
         ($3::text[])[1 + g % array_length($3::text[], 1)],
         ARRAY[($5::text[])[1 + g % 10], ($5::text[])[1 + (g / 10) % 10]],
         ($5::text[])[1 + g % 10] || ' ' || ($5::text[])[1 + (g / 10) % 10],
         (ARRAY['en','en','en','es','fr','de','pt-BR'])[1 + g % 7],
         (ARRAY['self_paced','instructor_led','cohort'])[1 + g % 3],
         (ARRAY['beginner','intermediate','advanced'])[1 + (g / 3) % 3],
         CASE WHEN g % 4 = 0 THEN 1900 + (g % 50) * 100 ELSE 0 END,
         CASE WHEN g % 4 = 0 THEN 'USD' END,
         'published', 30 + (g * 37) % 1200, 3 + g % 40,
         jsonb_build_array(jsonb_build_object('id', ins.id, 'name', ins.name)), ins.name,
         CASE WHEN g % 5 = 0 THEN 0 ELSE 1 + (g % 400) / 100.0 END, g % 500, (g * 13) % 5000,
         now() - make_interval(mins => g), now() - make_interval(mins => g), now()
       FROM generate_series($1::int, $2::int) AS g
       CROSS JOIN LATERAL (SELECT ($4::text[])[1 + g % array_length($4::text[], 1)] AS form) f
       CROSS JOIN LATERAL (SELECT ($6::text[])[1 + (g / 7) % array_length($6::text[], 1)] AS topic) t
       CROSS JOIN LATERAL (SELECT (($7::jsonb) -> (g % jsonb_array_length($7::jsonb))) ->> 'id' AS id0) pick
       CROSS JOIN LATERAL (SELECT pick.id0::uuid AS id,
                                  (SELECT e ->> 'name' FROM jsonb_array_elements($7::jsonb) e WHERE e ->> 'id' = pick.id0) AS name) ins`,
      [start, start + n - 1, subjects, forms, tags, topics, JSON.stringify(instructors)],
    );
  }
  await pool.query(
    `INSERT INTO course_instructors (course_id, user_id, position) SELECT id, owner_id, 0 FROM courses ON CONFLICT DO NOTHING`,
  );
  await pool.query('ANALYZE courses');
  await pool.query('ANALYZE course_instructors');
}
