import {
  LYCEUM_ACCOUNT_HOME,
  VERBS,
  VIDEO_EXT,
  activityIri,
  toLearningEvent,
  type LearningEvent,
} from '@lyceum/contracts';
import { newId } from '../../../lib/ids.ts';

const COURSE = '0190b8a0-0000-7000-8000-000000000001';
const LESSON = '0190b8a0-0000-7000-8000-000000000002';

/**
 * A realistic learning event (a video "paused" statement with its facts, ~1.3 KB of JSON) for stream tests and
 * measurements. `timestamp` defaults to now; `seq` is recorded in the result so tests can check order per actor.
 */
export function sampleEvent(actor: string, seq: number, timestamp = new Date()): LearningEvent {
  const stored = new Date().toISOString();
  return toLearningEvent(
    {
      id: newId(),
      actor: { account: { homePage: LYCEUM_ACCOUNT_HOME, name: actor } },
      verb: { id: VERBS.paused, display: { 'en-US': 'paused' } },
      object: {
        id: activityIri.lesson(COURSE, LESSON),
        definition: {
          type: 'https://w3id.org/xapi/video/activity-type/video',
          name: { 'en-US': 'Lesson video' },
        },
      },
      result: {
        duration: 'PT1M30.5S',
        extensions: {
          [VIDEO_EXT.time]: seq,
          [VIDEO_EXT.playedSegments]: '0[.]12.5[,]30[.]42.5',
          [VIDEO_EXT.progress]: 0.25,
        },
      },
      context: {
        contextActivities: { parent: [{ id: activityIri.course(COURSE) }] },
        extensions: { [VIDEO_EXT.length]: 600, [VIDEO_EXT.sessionId]: newId() },
      },
      timestamp: timestamp.toISOString(),
      stored,
    },
    { source: 'desktop', deviceId: 'device-1', skewMs: 0 },
  );
}

/** The `seq` a sampleEvent was made with. */
export const sampleSeq = (e: LearningEvent): number => e.video?.time ?? -1;

/** `count` events spread round-robin over `actors` actors named `${prefix}-<n>`, numbered per actor. */
export function sampleEvents(
  prefix: string,
  actors: number,
  count: number,
  timestamp?: Date,
): LearningEvent[] {
  const next = new Map<string, number>();
  const out: LearningEvent[] = [];
  for (let i = 0; i < count; i += 1) {
    const actor = `${prefix}-${i % actors}`;
    const seq = next.get(actor) ?? 0;
    next.set(actor, seq + 1);
    out.push(sampleEvent(actor, seq, timestamp));
  }
  return out;
}
