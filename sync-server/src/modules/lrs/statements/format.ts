import { isObject, type Json } from '../validation/check.ts';

const IFIS = ['mbox', 'mbox_sha1sum', 'openid', 'account'];

/** format=ids: Agents and Groups reduced to their identifiers (anonymous Groups keep their members'), Activities and
 * Verbs to their ids (xAPI-Communication 2.1.3). */
function actorIds(a: unknown): unknown {
  if (!isObject(a)) return a;
  const out: Json = {};
  if (a.objectType !== undefined) out.objectType = a.objectType;
  for (const k of IFIS) if (a[k] !== undefined) out[k] = a[k];
  if (a.objectType === 'Group' && Array.isArray(a.member) && !IFIS.some((k) => a[k] !== undefined))
    out.member = a.member.map(actorIds);
  return out;
}

const activityIds = (a: unknown) =>
  isObject(a) ? { ...(a.objectType !== undefined ? { objectType: a.objectType } : {}), id: a.id } : a;

function objectIds(o: unknown): unknown {
  if (!isObject(o)) return o;
  switch (o.objectType ?? 'Activity') {
    case 'Activity':
      return activityIds(o);
    case 'Agent':
    case 'Group':
      return actorIds(o);
    case 'SubStatement':
      return bodyIds(o);
    default:
      return o;
  }
}

function contextIds(c: unknown): unknown {
  if (!isObject(c)) return c;
  const out: Json = { ...c };
  if (c.instructor !== undefined) out.instructor = actorIds(c.instructor);
  if (c.team !== undefined) out.team = actorIds(c.team);
  if (isObject(c.contextActivities))
    out.contextActivities = Object.fromEntries(
      Object.entries(c.contextActivities).map(([k, list]) => [
        k,
        Array.isArray(list) ? list.map(activityIds) : list,
      ]),
    );
  return out;
}

function bodyIds(s: Json): Json {
  const out: Json = { ...s, actor: actorIds(s.actor), object: objectIds(s.object) };
  if (isObject(s.verb)) out.verb = { id: s.verb.id };
  if (s.context !== undefined) out.context = contextIds(s.context);
  if (s.authority !== undefined) out.authority = actorIds(s.authority);
  return out;
}

export const idsFormat = (s: Json): Json => bodyIds(s);

/** Accept-Language as tags in order of preference (q values honoured). */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find((x) => x !== undefined);
      return { tag: (tag ?? '').trim().toLowerCase(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((x) => x.tag);
}

/** The one entry of a language map the reader prefers: exact tag, then its primary language, then the first. */
function pick(map: Json, langs: string[]): Json {
  const entries = Object.entries(map);
  if (entries.length <= 1) return map;
  for (const lang of langs) {
    if (lang === '*') break;
    const exact = entries.find(([k]) => k.toLowerCase() === lang);
    if (exact) return { [exact[0]]: exact[1] };
    const primary = entries.find(([k]) => k.toLowerCase().split('-')[0] === lang.split('-')[0]);
    if (primary) return { [primary[0]]: primary[1] };
  }
  const [first] = entries;
  return { [first![0]]: first![1] };
}

const MAP_KEYS = new Set(['display', 'name', 'description']);

/** format=canonical: every language map reduced to the language the reader prefers (Accept-Language). */
export function canonicalFormat(s: Json, langs: string[]): Json {
  const walk = (v: unknown, key: string | null): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x, null));
    if (!isObject(v)) return v;
    if (key === 'extensions') return v;
    if (key !== null && MAP_KEYS.has(key) && Object.values(v).every((x) => typeof x === 'string'))
      return pick(v, langs);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
  };
  return walk(s, null) as Json;
}
