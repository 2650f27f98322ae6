import type { EventSource } from '@lyceum/contracts';

/** One item the collector could not accept (it is in the dead-letter store with this reason). */
export interface IngestRejection {
  index: number;
  id: string | null;
  /** invalid: fails the statement schema; actor_mismatch: not the uploader's own statement; conflict: the id is
   * already collected with other content. */
  kind: 'invalid' | 'actor_mismatch' | 'conflict';
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
  /** All or nothing (the xAPI resource): when any item is rejected, nothing is published or recorded (the rejected
   * items still go to the dead-letter store), and a statement id twice in the request is invalid. */
  atomic?: boolean;
}

/**
 * The one way into the pipeline for every source (APIs, the outbox, SQL pollers, dropped files): validate each
 * item (invalid → dead-letter store with the reason), give it `stored` (and an id/timestamp where xAPI allows
 * them to be absent), drop repeats of known ids, publish the new ones to the stream, and record them.
 */
export type Ingest = (items: readonly unknown[], meta: IngestMeta) => Promise<IngestResult>;
