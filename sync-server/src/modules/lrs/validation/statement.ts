import { isIrl, isSha2, isTimestamp, isUuid } from './formats.ts';
import { activity } from './activity.ts';
import { actor, agent, group } from './actors.ts';
import {
  StatementInvalid,
  array,
  at,
  bool,
  extensions,
  fail,
  iri,
  isObject,
  languageMap,
  number,
  object,
  string,
  type Json,
} from './check.ts';
import { isDuration, isLanguageTag } from './formats.ts';

const STATEMENT = [
  'id',
  'actor',
  'verb',
  'object',
  'result',
  'context',
  'timestamp',
  'stored',
  'authority',
  'version',
  'attachments',
];
const SUB_STATEMENT = [
  'objectType',
  'actor',
  'verb',
  'object',
  'result',
  'context',
  'timestamp',
  'attachments',
];
const CONTEXT_ACTIVITY_KEYS = ['parent', 'grouping', 'category', 'other'];

function verb(v: unknown, path: string): void {
  const vb = object(v, path, ['id', 'display'], ['id']);
  iri(vb.id, at(path, 'id'));
  if (vb.display !== undefined) languageMap(vb.display, at(path, 'display'));
}

function statementRef(v: unknown, path: string): void {
  const r = object(v, path, ['objectType', 'id'], ['objectType', 'id']);
  if (r.objectType !== 'StatementRef') fail(at(path, 'objectType'), 'must be "StatementRef"');
  if (!isUuid(r.id)) fail(at(path, 'id'), 'must be a UUID');
}

function result(v: unknown, path: string): void {
  const r = object(v, path, ['score', 'success', 'completion', 'response', 'duration', 'extensions']);
  if (r.score !== undefined) {
    const sp = at(path, 'score');
    const s = object(r.score, sp, ['scaled', 'raw', 'min', 'max']);
    const scaled = s.scaled === undefined ? undefined : number(s.scaled, at(sp, 'scaled'));
    const raw = s.raw === undefined ? undefined : number(s.raw, at(sp, 'raw'));
    const min = s.min === undefined ? undefined : number(s.min, at(sp, 'min'));
    const max = s.max === undefined ? undefined : number(s.max, at(sp, 'max'));
    if (scaled !== undefined && (scaled < -1 || scaled > 1))
      fail(at(sp, 'scaled'), 'must be between -1 and 1');
    if (min !== undefined && max !== undefined && min >= max) fail(at(sp, 'min'), 'must be less than max');
    if (raw !== undefined && min !== undefined && raw < min) fail(at(sp, 'raw'), 'must not be below min');
    if (raw !== undefined && max !== undefined && raw > max) fail(at(sp, 'raw'), 'must not be above max');
  }
  if (r.success !== undefined) bool(r.success, at(path, 'success'));
  if (r.completion !== undefined) bool(r.completion, at(path, 'completion'));
  if (r.response !== undefined) string(r.response, at(path, 'response'));
  if (r.duration !== undefined && !isDuration(r.duration))
    fail(at(path, 'duration'), 'must be an ISO 8601 duration (weeks only alone, e.g. P4W)');
  if (r.extensions !== undefined) extensions(r.extensions, at(path, 'extensions'));
}

/** Context (xAPI-Data 2.4.6); a single context activity is turned into an array of one (2.4.6.2). */
function context(v: unknown, path: string, objectIsActivity: boolean): void {
  const c = object(v, path, [
    'registration',
    'instructor',
    'team',
    'contextActivities',
    'revision',
    'platform',
    'language',
    'statement',
    'extensions',
  ]);
  if (c.registration !== undefined && !isUuid(c.registration))
    fail(at(path, 'registration'), 'must be a UUID');
  if (c.instructor !== undefined) actor(c.instructor, at(path, 'instructor'));
  if (c.team !== undefined) group(c.team, at(path, 'team'));
  if (c.contextActivities !== undefined) {
    const cp = at(path, 'contextActivities');
    const ca = object(c.contextActivities, cp, CONTEXT_ACTIVITY_KEYS);
    for (const key of CONTEXT_ACTIVITY_KEYS) {
      const list = ca[key];
      if (list === undefined) continue;
      if (!Array.isArray(list)) ca[key] = [list];
      (ca[key] as unknown[]).forEach((a, i) => activity(a, at(at(cp, key), i)));
    }
  }
  for (const key of ['revision', 'platform'] as const) {
    if (c[key] === undefined) continue;
    string(c[key], at(path, key));
    if (!objectIsActivity) fail(at(path, key), 'may only be used when the statement’s object is an Activity');
  }
  if (c.language !== undefined && !isLanguageTag(c.language))
    fail(at(path, 'language'), 'must be an RFC 5646 language tag');
  if (c.statement !== undefined) statementRef(c.statement, at(path, 'statement'));
  if (c.extensions !== undefined) extensions(c.extensions, at(path, 'extensions'));
}

function attachments(v: unknown, path: string): void {
  array(v, path).forEach((x, i) => {
    const ap = at(path, i);
    const a = object(
      x,
      ap,
      ['usageType', 'display', 'description', 'contentType', 'length', 'sha2', 'fileUrl'],
      ['usageType', 'display', 'contentType', 'length', 'sha2'],
    );
    iri(a.usageType, at(ap, 'usageType'));
    languageMap(a.display, at(ap, 'display'));
    if (a.description !== undefined) languageMap(a.description, at(ap, 'description'));
    if (!/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/.test(string(a.contentType, at(ap, 'contentType'))))
      fail(at(ap, 'contentType'), 'must be an Internet Media Type');
    if (!Number.isInteger(a.length) || (a.length as number) < 0)
      fail(at(ap, 'length'), 'must be a non-negative integer');
    if (!isSha2(a.sha2)) fail(at(ap, 'sha2'), 'must be the hex SHA-2 of the attachment');
    if (a.fileUrl !== undefined && !isIrl(a.fileUrl)) fail(at(ap, 'fileUrl'), 'must be an IRL');
  });
}

/** The object of a statement (or, with `sub`, of a SubStatement, which may not hold another SubStatement). */
function statementObject(v: unknown, path: string, sub: boolean): void {
  if (!isObject(v)) return fail(path, 'must be an object');
  switch (v.objectType ?? 'Activity') {
    case 'Activity':
      activity(v, path);
      return;
    case 'Agent':
      agent(v, path);
      return;
    case 'Group':
      group(v, path);
      return;
    case 'StatementRef':
      statementRef(v, path);
      return;
    case 'SubStatement': {
      if (sub) fail(at(path, 'objectType'), 'a SubStatement cannot hold another SubStatement');
      const s = object(v, path, SUB_STATEMENT, ['actor', 'verb', 'object']);
      body(s, path, true);
      return;
    }
    default:
      fail(at(path, 'objectType'), 'must be Activity, Agent, Group, StatementRef or SubStatement');
  }
}

/** What statements and SubStatements share: actor, verb, object, result, context, timestamp, attachments. */
function body(s: Json, path: string, sub: boolean): void {
  actor(s.actor, at(path, 'actor'));
  verb(s.verb, at(path, 'verb'));
  statementObject(s.object, at(path, 'object'), sub);
  if (s.result !== undefined) result(s.result, at(path, 'result'));
  const objectIsActivity = isObject(s.object) && (s.object.objectType ?? 'Activity') === 'Activity';
  if (s.context !== undefined) context(s.context, at(path, 'context'), objectIsActivity);
  if (s.timestamp !== undefined && !isTimestamp(s.timestamp))
    fail(at(path, 'timestamp'), 'must be an ISO 8601 timestamp with a time zone (not -00:00)');
  if (s.attachments !== undefined) attachments(s.attachments, at(path, 'attachments'));
}

/** A statement's authority (xAPI-Data 2.4.9): an Agent, or a Group of exactly two Agents (OAuth consumer + user). */
function authority(v: unknown, path: string): void {
  const o = object(v, path, ['objectType', 'name', 'mbox', 'mbox_sha1sum', 'openid', 'account', 'member']);
  if (o.objectType !== 'Group') {
    agent(v, path);
    return;
  }
  group(v, path);
  if (!Array.isArray(o.member) || o.member.length !== 2)
    fail(at(path, 'member'), 'an authority Group must have exactly two members');
}

/**
 * Check a statement against every "must" of xAPI 1.0.3's data section, in place: a single context activity becomes
 * an array (the only rewrite). Throws StatementInvalid with the property's path.
 */
export function checkStatement(v: unknown): Json {
  const s = object(v, '', STATEMENT, ['actor', 'verb', 'object']);
  if (s.id !== undefined && !isUuid(s.id)) fail('id', 'must be a UUID');
  body(s, '', false);
  if (s.stored !== undefined && !isTimestamp(s.stored)) fail('stored', 'must be an ISO 8601 timestamp');
  if (s.authority !== undefined) authority(s.authority, 'authority');
  if (s.version !== undefined && !/^1\.0(\.\d+)?$/.test(string(s.version, 'version')))
    fail('version', 'must be 1.0.x');
  return s;
}

/** The check as a result: the statement, or the reason it is invalid. */
export function validateStatement(v: unknown): { ok: true; statement: Json } | { ok: false; reason: string } {
  try {
    return { ok: true, statement: checkStatement(v) };
  } catch (err) {
    if (err instanceof StatementInvalid) return { ok: false, reason: err.message };
    throw err;
  }
}
