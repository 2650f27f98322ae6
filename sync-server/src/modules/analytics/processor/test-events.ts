import {
  ACTIVITY_TYPES,
  LYCEUM_ACCOUNT_HOME,
  StoredStatement,
  VERBS,
  VIDEO_EXT,
  activityIri,
  formatPlayedSegments,
  toLearningEvent,
  type LearningEvent,
  type VerbName,
} from '@lyceum/contracts';
import { newId } from '../../../lib/ids.ts';

/** FOR TESTS ONLY: learning events built the way the collector builds them (a statement, then toLearningEvent). */
export interface EventSpec {
  actor: string;
  verb: VerbName;
  /** Device time. */
  at: string;
  /** Arrival; default 2 s after `at`. */
  stored?: string;
  course?: string;
  lesson?: string;
  question?: string;
  success?: boolean;
  scoreRaw?: number;
  video?: { time?: number; segments?: [number, number][]; length?: number };
  id?: string;
  skewMs?: number;
}

export function learningEvent(s: EventSpec): LearningEvent {
  const objectId =
    s.course === undefined
      ? 'https://example.org/activities/elsewhere'
      : s.lesson === undefined
        ? activityIri.course(s.course)
        : s.question === undefined
          ? activityIri.lesson(s.course, s.lesson)
          : activityIri.question(s.course, s.lesson, s.question);
  const resultExt: Record<string, unknown> = {};
  const contextExt: Record<string, unknown> = {};
  if (s.video?.time !== undefined) resultExt[VIDEO_EXT.time] = s.video.time;
  if (s.video?.segments) resultExt[VIDEO_EXT.playedSegments] = formatPlayedSegments(s.video.segments);
  if (s.video?.length !== undefined) contextExt[VIDEO_EXT.length] = s.video.length;
  const result = {
    ...(s.success === undefined ? {} : { success: s.success }),
    ...(s.scoreRaw === undefined ? {} : { score: { raw: s.scoreRaw } }),
    ...(Object.keys(resultExt).length ? { extensions: resultExt } : {}),
  };
  const statement = StoredStatement.parse({
    id: s.id ?? newId(),
    actor: { account: { homePage: LYCEUM_ACCOUNT_HOME, name: s.actor } },
    verb: { id: VERBS[s.verb] },
    object: {
      id: objectId,
      ...(s.video ? { definition: { type: ACTIVITY_TYPES.video } } : {}),
    },
    ...(Object.keys(result).length ? { result } : {}),
    ...(Object.keys(contextExt).length ? { context: { extensions: contextExt } } : {}),
    timestamp: s.at,
    stored: s.stored ?? new Date(Date.parse(s.at) + 2000).toISOString(),
  });
  return toLearningEvent(statement, {
    source: 'desktop',
    deviceId: `${s.actor}-laptop`,
    skewMs: s.skewMs ?? 0,
  });
}
