import { z } from 'zod';
import { IsoDateTime, Text } from '../common.ts';
import type { StoredStatement, XapiAgent } from './statement.ts';
import { LYCEUM_ACCOUNT_HOME, VIDEO_EXT, VERBS, parseActivityIri, verbName, type VerbName } from './verbs.ts';

/** Where an event entered the collector. */
export const EventSource = z.enum(['desktop', 'xapi', 'outbox', 'sql', 'file']);
export type EventSource = z.infer<typeof EventSource>;

const VerbKey = z.enum([...(Object.keys(VERBS) as [VerbName, ...VerbName[]]), 'other']);

export const VideoFacts = z.object({
  /** Position (s) for played/paused/completed. */
  time: z.number().nullable(),
  /** seeked: from → to (s). */
  from: z.number().nullable(),
  to: z.number().nullable(),
  /** Segments watched, [start, end] in seconds. */
  segments: z.array(z.tuple([z.number(), z.number()])),
  /** Length of the video (s). */
  length: z.number().nullable(),
  /** Share watched, 0..1. */
  progress: z.number().nullable(),
});
export type VideoFacts = z.infer<typeof VideoFacts>;

/**
 * The normalised form of a statement that flows through the stream to the processor: the facts the processor needs,
 * pulled out once by the collector, and the statement's identifiers (id, verb and object IRIs, registration). The
 * statement itself stays in the collector's statement store (the xAPI resource) under the same id: carrying it too
 * doubled every event's bytes in the stream, and nothing downstream reads it. Keyed by `actor` so one learner stays
 * ordered.
 */
export const LearningEvent = z.object({
  id: z.uuid(),
  source: EventSource,
  /** The learner: a Lyceum user id, or `mbox:…` / `account:<home>|<name>` / `openid:…` / `sha1:…` for outside tools. */
  actor: Text().min(1).max(400),
  verb: VerbKey,
  verbId: Text(),
  objectId: Text(),
  courseId: Text().nullable(),
  lessonId: Text().nullable(),
  questionId: Text().nullable(),
  /** Device time (when it happened). */
  timestamp: IsoDateTime,
  /** Server time (when it arrived). */
  stored: IsoDateTime,
  deviceId: Text().nullable(),
  /** Estimated device clock skew at upload (server − device, ms); null when unknown. */
  skewMs: z.number().nullable(),
  success: z.boolean().nullable(),
  completion: z.boolean().nullable(),
  scoreScaled: z.number().nullable(),
  scoreRaw: z.number().nullable(),
  durationSeconds: z.number().nullable(),
  video: VideoFacts.nullable(),
  /** The statement's context.registration (an attempt or enrolment id), when it has one. */
  registration: z.uuid().nullable(),
});
export type LearningEvent = z.infer<typeof LearningEvent>;

/** The stable key of an agent (Lyceum users by id). */
export function actorKey(agent: XapiAgent): string {
  if (agent.account) {
    return agent.account.homePage === LYCEUM_ACCOUNT_HOME
      ? agent.account.name
      : `account:${agent.account.homePage}|${agent.account.name}`;
  }
  if (agent.mbox) return `mbox:${agent.mbox.slice('mailto:'.length).toLowerCase()}`;
  if (agent.openid) return `openid:${agent.openid}`;
  return `sha1:${(agent.mbox_sha1sum ?? '').toLowerCase()}`;
}

/** "0[.]5.2[,]10[.]20" → [[0, 5.2], [10, 20]]; malformed parts are skipped. */
export function parsePlayedSegments(text: string): [number, number][] {
  const out: [number, number][] = [];
  for (const part of text.split('[,]')) {
    const [a, b] = part.split('[.]').map(Number);
    if (a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b) && b >= a && a >= 0)
      out.push([a, b]);
  }
  return out;
}
export const formatPlayedSegments = (segments: readonly (readonly [number, number])[]): string =>
  segments.map(([a, b]) => `${a}[.]${b}`).join('[,]');

/** PT1H2M3.5S → 3723.5 (years, months and weeks are not used by learning tools and count as 0). */
export function durationSeconds(iso: string): number | null {
  const m =
    /^P(?:\d+(?:\.\d+)?[YMW])*(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
      iso,
    );
  if (!m) return null;
  const [, d, h, min, s] = m.map((x) => (x === undefined ? 0 : Number(x)));
  return (d ?? 0) * 86_400 + (h ?? 0) * 3600 + (min ?? 0) * 60 + (s ?? 0);
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function videoFacts(s: StoredStatement): LearningEvent['video'] {
  const r = s.result?.extensions ?? {};
  const c = s.context?.extensions ?? {};
  const isVideo =
    s.object.definition?.type === 'https://w3id.org/xapi/video/activity-type/video' ||
    s.verb.id.startsWith('https://w3id.org/xapi/video/') ||
    Object.keys(r).some((k) => k.startsWith('https://w3id.org/xapi/video/'));
  if (!isVideo) return null;
  const segments = r[VIDEO_EXT.playedSegments];
  return {
    time: num(r[VIDEO_EXT.time]),
    from: num(r[VIDEO_EXT.timeFrom]),
    to: num(r[VIDEO_EXT.timeTo]),
    segments: typeof segments === 'string' ? parsePlayedSegments(segments) : [],
    length: num(c[VIDEO_EXT.length]) ?? num(r[VIDEO_EXT.length]),
    progress: num(r[VIDEO_EXT.progress]),
  };
}

/** Pull the facts out of a stored statement. */
export function toLearningEvent(
  s: StoredStatement,
  meta: { source: EventSource; deviceId?: string | null; skewMs?: number | null },
): LearningEvent {
  const where =
    parseActivityIri(s.object.id) ??
    (s.context?.contextActivities?.parent ?? []).map((a) => parseActivityIri(a.id)).find((x) => x !== null) ??
    null;
  return {
    id: s.id,
    source: meta.source,
    actor: actorKey(s.actor),
    verb: verbName(s.verb.id) ?? 'other',
    verbId: s.verb.id,
    objectId: s.object.id,
    courseId: where?.courseId ?? null,
    lessonId: where?.lessonId ?? null,
    questionId: where?.questionId ?? null,
    timestamp: s.timestamp,
    stored: s.stored,
    deviceId: meta.deviceId ?? null,
    skewMs: meta.skewMs ?? null,
    success: s.result?.success ?? null,
    completion: s.result?.completion ?? null,
    scoreScaled: s.result?.score?.scaled ?? null,
    scoreRaw: s.result?.score?.raw ?? null,
    durationSeconds: s.result?.duration ? durationSeconds(s.result.duration) : null,
    video: videoFacts(s),
    registration: s.context?.registration ?? null,
  };
}
