/**
 * The young generation the server runs with. V8's default semi-space (16 MB) is made for short scripts: under
 * analytics ingest, a request's statements live for the group commit they wait on (tens of ms), so they outlive
 * one or two scavenges, get promoted and are then collected by full mark-compacts. bench:ingest measured the
 * server's CPU per event at 103 µs with the default and 70 µs with 64 MB semi-spaces (the same load, 11,000/s).
 * A semi-space size can only be set when the isolate is created: on the node command line (these flags, in every
 * script that starts the server) and for worker threads through their resource limits.
 */
export const SEMI_SPACE_MB = 64;
export const SERVER_NODE_FLAGS: readonly string[] = [`--max-semi-space-size=${SEMI_SPACE_MB}`];
/** A worker's young generation: its two semi-spaces plus V8's matching share for new large objects. */
export const WORKER_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 3 * SEMI_SPACE_MB } as const;

/** Why the heap is not tuned ('' when the flags are in effect): logged at start for runs outside the scripts. */
export function heapTuningGap(): string {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) =>
    /^--max-semi-space-size=/.test(a),
  );
  return given
    ? ''
    : `node started without ${SERVER_NODE_FLAGS.join(' ')}: analytics ingest will spend about a third more CPU on garbage collection`;
}
