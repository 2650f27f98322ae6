/** The consumer group every analytics processor joins (in-process, in its own thread, or `npm run processor`). */
export const PROCESSOR_GROUP = 'analytics-processor';

/**
 * Most events handed to the processor at once. Large batches when behind: a learner's per-batch work (timeline,
 * sessions, rollup rows) is shared by all of their events in the batch, so catching up gets cheaper per event; an
 * idle stream still hands over each event as it arrives.
 */
export const PROCESSOR_MAX_BATCH = 20_000;

/**
 * When at least 2,000 events are waiting (a busy stream) but fewer than 10,000, the processor waits 100 ms for more
 * before taking them: its cost per event falls as a batch holds more of each learner's events (bench:ingest: 157 →
 * 141 µs of CPU per event at 11,000 events/s with a 200 ms wait, which cost 0.8 s of p99 latency), and 100 ms stays
 * well inside the second an event may take to become visible. Fewer waiting events are taken at once.
 */
export const PROCESSOR_LINGER = { ms: 100, from: 2000, below: 10_000 };

import type { Logger } from 'pino';
import type { LearningEvent } from '@lyceum/contracts';
import { TOPICS, type EventStream, type Subscription } from '../stream/port.ts';
import type { BatchReport } from './stats.ts';

/** What a processor thread reports of each committed batch (for /metrics, stats and the dashboards' live pushes). */
export type CommittedBatch = BatchReport & { courseIds: string[] };

/** Join the processor group on every topic with `handle` (the batch size, lingering and retry logging above). */
export function subscribeProcessor(
  stream: EventStream,
  handle: (batch: LearningEvent[]) => Promise<void>,
  logger: Logger,
): Promise<Subscription[]> {
  return Promise.all(
    Object.values(TOPICS).map((topic) =>
      stream.subscribe(topic, PROCESSOR_GROUP, handle, {
        maxBatch: PROCESSOR_MAX_BATCH,
        linger: PROCESSOR_LINGER,
        onError: (err) => logger.warn({ err, topic }, 'analytics batch failed; it will be delivered again'),
      }),
    ),
  );
}

/** The courses a batch touched (for the live pushes to their instructors). */
export function coursesOf(batch: readonly LearningEvent[]): string[] {
  const ids = new Set<string>();
  for (const e of batch) if (e.courseId) ids.add(e.courseId);
  return [...ids];
}
