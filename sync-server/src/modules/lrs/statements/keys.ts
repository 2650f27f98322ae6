import { isObject, type Json } from '../validation/check.ts';

/** The key of an Agent's or identified Group's inverse functional identifier; null for an anonymous Group. */
export function ifiKey(a: unknown): string | null {
  if (!isObject(a)) return null;
  if (typeof a.mbox === 'string') return `mbox:${a.mbox.toLowerCase()}`;
  if (typeof a.mbox_sha1sum === 'string') return `sha1:${a.mbox_sha1sum.toLowerCase()}`;
  if (typeof a.openid === 'string') return `openid:${a.openid}`;
  if (isObject(a.account)) return `account:${String(a.account.homePage)} ${String(a.account.name)}`;
  return null;
}

/** An actor's keys: its own IFI and, for a Group, its members' (a member matches the Group's statements). */
function actorKeys(a: unknown): string[] {
  const keys: string[] = [];
  const own = ifiKey(a);
  if (own) keys.push(own);
  if (isObject(a) && Array.isArray(a.member)) for (const m of a.member) keys.push(...actorKeys(m));
  return keys;
}

const isActivity = (o: unknown): o is Json => isObject(o) && (o.objectType ?? 'Activity') === 'Activity';
const isActor = (o: unknown) => isObject(o) && (o.objectType === 'Agent' || o.objectType === 'Group');

function contextActivities(c: unknown): string[] {
  if (!isObject(c) || !isObject(c.contextActivities)) return [];
  return Object.values(c.contextActivities).flatMap((list) =>
    Array.isArray(list) ? list.flatMap((a) => (isObject(a) && typeof a.id === 'string' ? [a.id] : [])) : [],
  );
}

function contextAgents(c: unknown): string[] {
  if (!isObject(c)) return [];
  return [...actorKeys(c.instructor), ...actorKeys(c.team)];
}

export interface StatementKeys {
  actor: string;
  verb: string;
  agents: string[];
  relatedAgents: string[];
  activities: string[];
  relatedActivities: string[];
  registration: string | null;
  target: string | null;
}

/** What the Statements resource's queries filter on (xAPI-Communication 2.1.3, GET Statements). */
export function statementKeys(s: Json): StatementKeys {
  const object = s.object;
  const verb = isObject(s.verb) ? String(s.verb.id) : '';
  const agents = [...actorKeys(s.actor), ...(isActor(object) ? actorKeys(object) : [])];
  const activities = isActivity(object) ? [String(object.id)] : [];
  const relatedAgents = [...agents, ...actorKeys(s.authority), ...contextAgents(s.context)];
  const relatedActivities = [...activities, ...contextActivities(s.context)];
  if (isObject(object) && object.objectType === 'SubStatement') {
    relatedAgents.push(...actorKeys(object.actor), ...contextAgents(object.context));
    if (isActor(object.object)) relatedAgents.push(...actorKeys(object.object));
    if (isActivity(object.object)) relatedActivities.push(String(object.object.id));
    relatedActivities.push(...contextActivities(object.context));
  }
  const registration =
    isObject(s.context) && typeof s.context.registration === 'string' ? s.context.registration : null;
  const target =
    isObject(object) && object.objectType === 'StatementRef' && typeof object.id === 'string'
      ? object.id.toLowerCase()
      : null;
  const uniq = (xs: string[]) => [...new Set(xs)];
  return {
    actor: ifiKey(s.actor) ?? 'anonymous-group',
    verb,
    agents: uniq(agents),
    relatedAgents: uniq(relatedAgents),
    activities: uniq(activities),
    relatedActivities: uniq(relatedActivities),
    registration: registration?.toLowerCase() ?? null,
    target,
  };
}
