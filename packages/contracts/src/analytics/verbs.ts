/**
 * The verbs Lyceum speaks, from the ADL vocabulary and the xAPI Video Profile, and the activity IRIs of its
 * courses, lessons and questions. Statements with other verbs are stored and counted, but feed no insight.
 */
export const VERBS = {
  enrolled: 'http://adlnet.gov/expapi/verbs/registered',
  opened: 'http://adlnet.gov/expapi/verbs/launched',
  completed: 'http://adlnet.gov/expapi/verbs/completed',
  attempted: 'http://adlnet.gov/expapi/verbs/attempted',
  answered: 'http://adlnet.gov/expapi/verbs/answered',
  passed: 'http://adlnet.gov/expapi/verbs/passed',
  failed: 'http://adlnet.gov/expapi/verbs/failed',
  played: 'https://w3id.org/xapi/video/verbs/played',
  paused: 'https://w3id.org/xapi/video/verbs/paused',
  seeked: 'https://w3id.org/xapi/video/verbs/seeked',
  rated: 'http://id.tincanapi.com/verb/rated',
  published: 'http://activitystrea.ms/schema/1.0/publish',
} as const;
export type VerbName = keyof typeof VERBS;

const BY_IRI = new Map<string, VerbName>(Object.entries(VERBS).map(([k, v]) => [v, k as VerbName]));
export const verbName = (iri: string): VerbName | null => BY_IRI.get(iri) ?? null;

export const ACTIVITY_TYPES = {
  course: 'http://adlnet.gov/expapi/activities/course',
  lesson: 'http://adlnet.gov/expapi/activities/lesson',
  assessment: 'http://adlnet.gov/expapi/activities/assessment',
  question: 'http://adlnet.gov/expapi/activities/cmi.interaction',
  video: 'https://w3id.org/xapi/video/activity-type/video',
} as const;

/** xAPI Video Profile extensions (seconds; played-segments as "0[.]5.2[,]10[.]20"). */
export const VIDEO_EXT = {
  time: 'https://w3id.org/xapi/video/extensions/time',
  timeFrom: 'https://w3id.org/xapi/video/extensions/time-from',
  timeTo: 'https://w3id.org/xapi/video/extensions/time-to',
  playedSegments: 'https://w3id.org/xapi/video/extensions/played-segments',
  progress: 'https://w3id.org/xapi/video/extensions/progress',
  length: 'https://w3id.org/xapi/video/extensions/length',
  sessionId: 'https://w3id.org/xapi/video/extensions/session-id',
} as const;

/** Lyceum's activity IRIs: fixed, so statements mean the same thing whichever server they reach. */
export const ACTIVITY_BASE = 'https://lyceum.dev/xapi/activities/';
export const activityIri = {
  course: (courseId: string) => `${ACTIVITY_BASE}course/${courseId}`,
  lesson: (courseId: string, lessonId: string) => `${ACTIVITY_BASE}course/${courseId}/lesson/${lessonId}`,
  question: (courseId: string, lessonId: string, questionId: string) =>
    `${ACTIVITY_BASE}course/${courseId}/lesson/${lessonId}/question/${encodeURIComponent(questionId)}`,
};

/** The course, lesson and question an activity IRI names, as far as it names them. */
export function parseActivityIri(
  iri: string,
): { courseId: string; lessonId: string | null; questionId: string | null } | null {
  if (!iri.startsWith(ACTIVITY_BASE)) return null;
  const m = /^course\/([^/]+)(?:\/lesson\/([^/]+)(?:\/question\/([^/]+))?)?$/.exec(
    iri.slice(ACTIVITY_BASE.length),
  );
  if (!m) return null;
  let questionId: string | null = null;
  try {
    questionId = m[3] === undefined ? null : decodeURIComponent(m[3]);
  } catch {
    return null;
  }
  return { courseId: m[1]!, lessonId: m[2] ?? null, questionId };
}

/** The account homePage of Lyceum users in statements (account.name is the user id). */
export const LYCEUM_ACCOUNT_HOME = 'https://lyceum.dev/';
