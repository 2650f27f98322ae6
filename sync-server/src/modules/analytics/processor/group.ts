/** The consumer group every analytics processor joins (in-process, in its own thread, or `npm run processor`). */
export const PROCESSOR_GROUP = 'analytics-processor';

/**
 * Most events handed to the processor at once. Large batches when behind: a learner's per-batch work (timeline,
 * sessions, rollup rows) is shared by all of their events in the batch, so catching up gets cheaper per event; an
 * idle stream still hands over each event as it arrives.
 */
export const PROCESSOR_MAX_BATCH = 20_000;

import type { BatchReport } from './stats.ts';

/** What a processor thread reports of each committed batch (for /metrics, stats and the dashboards' live pushes). */
export type CommittedBatch = BatchReport & { courseIds: string[] };
