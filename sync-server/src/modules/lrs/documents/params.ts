import { z } from 'zod';
import { Text } from '@lyceum/contracts';
import { ApiError } from '../../../http/errors.ts';
import { agent as checkAgent } from '../validation/actors.ts';
import { StatementInvalid, type Json } from '../validation/check.ts';
import { isIri, isTimestamp, normaliseTimestamp } from '../validation/formats.ts';
import { ifiKey } from '../statements/keys.ts';

/** An Activity id parameter: an IRI. */
export const ActivityIdParam = Text().max(2048).refine(isIri, 'Must be an IRI');
/** An Agent parameter: an Agent object as JSON (checked by parseAgentParam). */
export const AgentParam = Text().max(4000);
/** A document id (stateId, profileId). */
export const DocumentIdParam = z.string().min(1).max(512);
/** A `since` parameter: an ISO 8601 timestamp, normalised to UTC. */
export const SinceParam = Text()
  .max(64)
  .refine(isTimestamp, 'Not an ISO 8601 timestamp')
  .transform((t) => new Date(normaliseTimestamp(t)).toISOString());

/**
 * The "agent" parameter of the document and Agents resources: an Agent object (not a Group, not a Person) with
 * exactly one inverse functional identifier. Answers the Agent and its identifier key.
 */
export function parseAgentParam(text: string): { agent: Json; key: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError('validation_failed', 'agent must be an Agent object as JSON', { field: 'agent' });
  }
  try {
    const agent = checkAgent(json, 'agent');
    return { agent, key: ifiKey(agent)! };
  } catch (err) {
    if (err instanceof StatementInvalid)
      throw new ApiError('validation_failed', err.message, { field: 'agent' });
    throw err;
  }
}
