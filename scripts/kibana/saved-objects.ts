/**
 * The Kibana saved objects of Lyceum's analytics (Kibana ≥ 8.8): two data views over the Elasticsearch store's
 * indices (sync-server/src/modules/analytics/store/es-schema.ts) and five dashboards of aggregation-based
 * visualizations. `npm run kibana:build` writes them to deploy/kibana/lyceum.ndjson (the file kept in the repo, and
 * what `npm run kibana:setup` imports); edit the definitions here, not the NDJSON.
 *
 * The facts data view's time field is `@timestamp`, the EVENT time (when it happened on the device, corrected for
 * clock skew), so Kibana's time picker selects the same events as the insights API's ranges. Kibana charts count
 * every event (every rating, every answer); the insights API's figures are the exact definitions (a learner's latest
 * rating, first answers, and so on).
 */
import {
  count,
  dashboard,
  dataView,
  histogramOf,
  metric,
  perDay,
  termsOf,
  visualization,
  type SavedObject,
} from './builders.ts';

export type { SavedObject } from './builders.ts';

export const FACTS_PATTERN = 'lyceum-analytics-facts*';
export const SESSIONS_PATTERN = 'lyceum-analytics-sessions';
export const FACTS_VIEW = 'lyceum-analytics-facts';
export const SESSIONS_VIEW = 'lyceum-analytics-sessions';

const LEARNING = 'learning : true';
const SUM = (field: string, label: string) => metric('sum', field, label);

export function savedObjects(): SavedObject[] {
  const facts = dataView(FACTS_VIEW, FACTS_PATTERN, 'Lyceum learning events', '@timestamp', {
    active_ms: {
      id: 'duration',
      params: { inputFormat: 'milliseconds', outputFormat: 'humanizePrecise', outputPrecision: 1 },
    },
    video_pct: { id: 'number', params: { pattern: '0.0' } },
  });
  const sessions = dataView(
    SESSIONS_VIEW,
    SESSIONS_PATTERN,
    'Lyceum learning and viewing sessions',
    'started_at',
    {
      duration_ms: {
        id: 'duration',
        params: { inputFormat: 'milliseconds', outputFormat: 'humanizePrecise', outputPrecision: 1 },
      },
    },
  );
  const v = (...args: Parameters<typeof visualization>) => visualization(...args);

  const completionDaily = v(
    'lyceum-completion-daily',
    'Enrollments and completions per day',
    'Counted on the day they happened (event time).',
    FACTS_VIEW,
    'histogram',
    [
      SUM('n.enrollments', 'Enrollments'),
      SUM('n.lesson_completions', 'Lessons completed'),
      SUM('n.course_completions', 'Courses completed'),
      perDay(),
    ],
    { yTitle: 'Events' },
  );
  const completionByCourse = v(
    'lyceum-completion-by-course',
    'Completion by course',
    'Learners active in each course and what they completed.',
    FACTS_VIEW,
    'table',
    [
      metric('cardinality', 'actor', 'Learners'),
      SUM('n.enrollments', 'Enrollments'),
      SUM('n.lesson_completions', 'Lessons completed'),
      SUM('n.course_completions', 'Courses completed'),
      termsOf('course_id', 'Course', 50, 'bucket'),
    ],
    { query: LEARNING },
  );

  const learnersDaily = v(
    'lyceum-engagement-learners-daily',
    'Active learners per day',
    'Distinct learners with a learning event that day.',
    FACTS_VIEW,
    'line',
    [metric('cardinality', 'actor', 'Active learners'), perDay()],
    { query: LEARNING, yTitle: 'Learners' },
  );
  const activeTimeDaily = v(
    'lyceum-engagement-time-daily',
    'Active learning time per day',
    "Gaps between a learner's events of at most 30 minutes.",
    FACTS_VIEW,
    'histogram',
    [SUM('active_ms', 'Active learning time'), perDay()],
    { query: LEARNING, yTitle: 'Time' },
  );
  const topLearners = v(
    'lyceum-engagement-top-learners',
    'Most engaged learners',
    'By active learning time.',
    FACTS_VIEW,
    'table',
    [
      SUM('active_ms', 'Active learning time'),
      SUM('n.lesson_completions', 'Lessons completed'),
      SUM('n.quiz_attempts', 'Quiz attempts'),
      metric('max', '@timestamp', 'Last active'),
      termsOf('actor', 'Learner', 25, 'bucket'),
    ],
    { query: LEARNING },
  );

  const ratingHistogram = v(
    'lyceum-ratings-histogram',
    'Ratings given',
    "Every rating event (the insights API keeps each learner's latest).",
    FACTS_VIEW,
    'histogram',
    [count('Ratings'), histogramOf('rating', 1, 1, 5, 'Stars')],
    { query: 'n.ratings : 1', yTitle: 'Ratings' },
  );
  const ratingByCourse = v(
    'lyceum-ratings-by-course',
    'Ratings by course',
    'Mean and number of rating events per course.',
    FACTS_VIEW,
    'table',
    [
      metric('avg', 'rating', 'Mean rating'),
      count('Ratings'),
      termsOf('course_id', 'Course', 50, 'bucket', '2'),
    ],
    { query: 'n.ratings : 1' },
  );

  const dropOff = v(
    'lyceum-video-drop-off',
    'Where viewing sessions end',
    'Viewing sessions by the 5% bucket of the video where the viewer last was (0 = start, 19 = end).',
    SESSIONS_VIEW,
    'histogram',
    [count('Viewing sessions'), histogramOf('drop_bucket', 1, 0, 19, 'Position (5% buckets)')],
    { query: 'kind : "video"', yTitle: 'Sessions' },
  );
  const dropOffByLesson = v(
    'lyceum-video-drop-off-by-lesson',
    'Viewing sessions by lesson',
    'Mean position bucket where sessions end: low = viewers leave early.',
    SESSIONS_VIEW,
    'table',
    [
      count('Viewing sessions'),
      metric('avg', 'drop_bucket', 'Mean end bucket (0–19)'),
      termsOf('lesson_id', 'Lesson', 50, 'bucket'),
    ],
    { query: 'kind : "video"' },
  );
  const pausePositions = v(
    'lyceum-video-pauses',
    'Where viewers pause or stop',
    'Video pause and completion events by position in the video (%).',
    FACTS_VIEW,
    'histogram',
    [count('Events'), histogramOf('video_pct', 5, 0, 100, 'Position in the video (%)')],
    { query: '(verb : "paused" or verb : "completed") and n.video_events : 1', yTitle: 'Events' },
  );

  const difficulty = v(
    'lyceum-quiz-difficulty',
    'Quiz questions, hardest first',
    'Share of answers correct (every attempt; the insights API uses first answers).',
    FACTS_VIEW,
    'table',
    [
      metric('avg', 'n.quiz_correct', 'Share correct'),
      SUM('n.quiz_answers', 'Answers'),
      metric('cardinality', 'actor', 'Learners'),
      termsOf('question_id', 'Question', 100, 'bucket', '1', 'asc'),
    ],
    { query: 'n.quiz_answers : 1' },
  );
  const outcomes = v(
    'lyceum-quiz-outcomes',
    'Quiz attempts passed and failed per day',
    'Finished quiz attempts.',
    FACTS_VIEW,
    'histogram',
    [count('Attempts'), perDay(), termsOf('verb', 'Outcome', 2, 'group')],
    { query: 'n.quiz_attempts : 1', yTitle: 'Attempts' },
  );

  const dashboards = [
    dashboard(
      'lyceum-dashboard-completion',
      'Lyceum: completion',
      'Enrollments and completions over time and by course.',
      [completionDaily, completionByCourse],
    ),
    dashboard(
      'lyceum-dashboard-engagement',
      'Lyceum: engagement',
      'Active learners, learning time and the most engaged learners.',
      [learnersDaily, activeTimeDaily, topLearners],
    ),
    dashboard('lyceum-dashboard-ratings', 'Lyceum: ratings', 'Course ratings.', [
      ratingHistogram,
      ratingByCourse,
    ]),
    dashboard(
      'lyceum-dashboard-video-drop-off',
      'Lyceum: video drop-off',
      'Where viewers leave the videos.',
      [dropOff, dropOffByLesson, pausePositions],
    ),
    dashboard(
      'lyceum-dashboard-quiz-difficulty',
      'Lyceum: quiz difficulty',
      'Which questions learners get wrong.',
      [difficulty, outcomes],
    ),
  ];
  return [
    facts,
    sessions,
    completionDaily,
    completionByCourse,
    learnersDaily,
    activeTimeDaily,
    topLearners,
    ratingHistogram,
    ratingByCourse,
    dropOff,
    dropOffByLesson,
    pausePositions,
    difficulty,
    outcomes,
    ...dashboards,
  ];
}

/** One object per line, as Kibana's saved objects export writes them. */
export const toNdjson = (objects: readonly SavedObject[]): string =>
  objects.map((o) => JSON.stringify(o)).join('\n') + '\n';
