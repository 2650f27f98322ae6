/** Stream partitions of a topic unless configured otherwise (Kafka topics are created with as many). */
export const DEFAULT_PARTITIONS = 8;

/**
 * The stream partition of an actor key: FNV-1a (32-bit) of its UTF-16 code units, modulo the partition count. Stable
 * across processes and versions, so one learner's events always share a partition and keep their order.
 */
export function partitionOf(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}
