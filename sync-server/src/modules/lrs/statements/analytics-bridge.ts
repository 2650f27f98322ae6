import { XapiStatement } from '@lyceum/contracts';
import type { Json } from '../validation/check.ts';
import { isObject } from '../validation/check.ts';

const CONTEXT_KEYS = ['registration', 'contextActivities', 'platform', 'language', 'extensions'];

/**
 * The part of a stored statement the analytics pipeline understands (an Agent doing something to an Activity), or
 * null: Group actors, Agents, StatementRefs and SubStatements as objects stay in the LRS only. Properties analytics
 * does not read (authority, version, attachments, context instructor/team/revision/statement) are left out.
 */
export function forAnalytics(s: Json): unknown | null {
  const out: Json = { id: s.id, actor: s.actor, verb: s.verb, object: s.object, timestamp: s.timestamp };
  if (s.result !== undefined) out.result = s.result;
  if (isObject(s.context)) {
    const c = Object.fromEntries(Object.entries(s.context).filter(([k]) => CONTEXT_KEYS.includes(k)));
    if (Object.keys(c).length) out.context = c;
  }
  return XapiStatement.safeParse(out).success ? out : null;
}
