import type { EventSource } from '@lyceum/contracts';

/** One item the collector could not accept (it is in the dead-letter store with this reason). */
export interface IngestRejection {
  index: number;
  id: string | null;
  reason: string;
}

export interface IngestResult {
  /** Ids of the statements accepted now, in input order (new and repeated alike). */
  ids: string[];
  /** New statements published to the stream. */
  accepted: number;
  /** Statements already collected with the same content (counted once). */
  duplicates: number;
  rejected: IngestRejection[];
}

export interface IngestMeta {
  source: EventSource;
  /** Where the items came from, for dead letters: a file name, a table, a device id. */
  origin: string;
  deviceId?: string | null;
  /** Estimated clock skew of the sending device (server − device, ms). */
  skewMs?: number | null;
  /** When set, every statement's actor must be this Lyceum user (the desktop batch upload). */
  actorUserId?: string;
}

/**
 * The one way into the pipeline for every source (APIs, the outbox, SQL pollers, dropped files): validate each
 * item (invalid → dead-letter store with the reason), give it `stored` (and an id/timestamp where xAPI allows
 * them to be absent), drop repeats of known ids, publish the new ones to the stream, and record them.
 */
export type Ingest = (items: readonly unknown[], meta: IngestMeta) => Promise<IngestResult>;
