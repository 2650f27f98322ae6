import type { z } from 'zod';
import { LYCEUM_ACCOUNT_HOME, XapiStatement, type StoredStatement } from '@lyceum/contracts';

/** A statement ready to publish and record, or why it cannot be. */
export type Prepared =
  | { ok: true; statement: StoredStatement; timestampGiven: boolean; json: string }
  | { ok: false; kind: 'invalid' | 'actor_mismatch'; reason: string };

const MAX_ISSUES = 4;

/** "actor: An agent needs exactly one identifier; verb.id: Invalid URL (+1 more)". */
export function summarizeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.slice(0, MAX_ISSUES).map((i) => {
    const path = i.path
      .map((p, n) => (typeof p === 'number' ? `[${p}]` : `${n ? '.' : ''}${String(p)}`))
      .join('');
    return `${path || '(statement)'}: ${i.message}`;
  });
  const more = issues.length > MAX_ISSUES ? ` (+${issues.length - MAX_ISSUES} more)` : '';
  return parts.join('; ') + more;
}

/** JSON with object keys sorted at every level, so equal content gives equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/**
 * Whether a repeat of a statement id carries the same statement (xAPI statement comparison): the properties the LRS
 * assigns (id, stored, version, and the timestamp when the repeat leaves it out) do not count; key order does not
 * count. Both sides are as prepareStatement() completes them (timestamps as UTC instants).
 */
export function sameStatement(
  repeat: StoredStatement,
  timestampGiven: boolean,
  known: StoredStatement,
): boolean {
  const strip = (s: StoredStatement) => {
    const { id: _id, stored: _stored, version: _version, timestamp, ...rest } = s;
    return canonicalJson(timestampGiven ? { ...rest, timestamp: new Date(timestamp).toISOString() } : rest);
  };
  return strip(repeat) === strip(known);
}

/**
 * The quick check before sameStatement: a repeat whose text (as prepareStatement wrote it) is the known statement's
 * text but for `stored` is the same statement. zod writes an object's properties in the schema's order, so a repeat
 * of the same content almost always gives the same text; `false` only means "compare with sameStatement", since
 * language maps and extensions keep the sender's key order. Repeats without a timestamp of their own always go the
 * long way (their timestamp is their own arrival).
 */
export function sameText(
  repeat: { json: string; stored: string; timestampGiven: boolean },
  known: { json: string; stored: string },
): boolean {
  if (!repeat.timestampGiven) return false;
  if (repeat.stored === known.stored) return repeat.json === known.json;
  return repeat.json.replace(`"stored":"${repeat.stored}"`, `"stored":"${known.stored}"`) === known.json;
}

/** JSON escapes PostgreSQL's jsonb cannot hold: NUL and lone UTF-16 surrogates. */
const UNSTORABLE = /\\u(?:0000|d[89a-f][0-9a-f]{2})/i;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'gi');

/** Deeper than this, PostgreSQL's jsonb parser runs out of stack ("stack depth limit exceeded"). */
export const MAX_STORED_DEPTH = 64;

/** The value with whatever nests deeper than `depth` levels replaced by a note (a hostile payload is still kept). */
function shallow(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth <= 0) return `[nested deeper than ${MAX_STORED_DEPTH} levels: not kept]`;
  if (Array.isArray(value)) return value.map((v) => shallow(v, depth - 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shallow(v, depth - 1)]));
}

/** JSON text of any payload that jsonb accepts (unstorable characters become U+FFFD, absurd nesting is cut). */
export function storableJson(value: unknown): string {
  const text = JSON.stringify(shallow(value, MAX_STORED_DEPTH)) ?? 'null';
  return UNSTORABLE.test(text) ? text.replace(UNSTORABLE_ALL, '\\ufffd') : text;
}

const actorText = (s: XapiStatement) => {
  const a = s.actor;
  if (a.account) return `account ${a.account.homePage} ${a.account.name}`;
  return a.mbox ?? a.openid ?? `mbox_sha1sum ${a.mbox_sha1sum ?? ''}`;
};

/** How far ahead of the server clock a statement's timestamp may be (clock error, time zones done wrong). */
export const MAX_FUTURE_MS = 24 * 3_600_000;

/**
 * Validate one item and complete it as stored: `stored` is the server's time; a missing id becomes a new UUIDv7 and a
 * missing timestamp the stored time; timestamps are kept as UTC instants. With `actorUserId`, the actor must be that
 * Lyceum account.
 */
export function prepareStatement(
  item: unknown,
  opts: { stored: string; newId: () => string; actorUserId?: string; skewMs?: number | null },
): Prepared {
  const parsed = XapiStatement.safeParse(item);
  if (!parsed.success) return { ok: false, kind: 'invalid', reason: summarizeIssues(parsed.error.issues) };
  const s = parsed.data;
  // A time that has not happened yet (beyond any honest clock error, after the device's known skew) is refused.
  if (
    s.timestamp !== undefined &&
    Date.parse(s.timestamp) + (opts.skewMs ?? 0) > Date.parse(opts.stored) + MAX_FUTURE_MS
  )
    return {
      ok: false,
      kind: 'invalid',
      reason: `timestamp: ${s.timestamp} is more than ${MAX_FUTURE_MS / 3_600_000} hours ahead of the server clock`,
    };
  if (
    opts.actorUserId !== undefined &&
    (s.actor.account?.homePage !== LYCEUM_ACCOUNT_HOME || s.actor.account.name !== opts.actorUserId)
  ) {
    return {
      ok: false,
      kind: 'actor_mismatch',
      reason: `actor_mismatch: the actor must be your own account {homePage: ${LYCEUM_ACCOUNT_HOME}, name: ${opts.actorUserId}}, not ${actorText(s)}`,
    };
  }
  const statement: StoredStatement = {
    ...s,
    id: (s.id ?? opts.newId()).toLowerCase(),
    timestamp: s.timestamp === undefined ? opts.stored : new Date(s.timestamp).toISOString(),
    stored: opts.stored,
    version: s.version ?? '1.0.0',
  };
  const json = JSON.stringify(statement);
  if (UNSTORABLE.test(json))
    return {
      ok: false,
      kind: 'invalid',
      reason: 'The statement holds a NUL character or a lone UTF-16 surrogate, which cannot be stored',
    };
  return { ok: true, statement, timestampGiven: s.timestamp !== undefined, json };
}

/** The id an item claims, for reporting a rejected one. */
export function claimedId(item: unknown): string | null {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return null;
  const id = (item as Record<string, unknown>).id;
  return typeof id === 'string' ? id.slice(0, 100) : null;
}
