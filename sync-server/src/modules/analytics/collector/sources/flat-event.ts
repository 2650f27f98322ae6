import { createHash } from 'node:crypto';
import { ACTIVITY_TYPES, LYCEUM_ACCOUNT_HOME, VERBS, activityIri, type VerbName } from '@lyceum/contracts';

/**
 * The flat shape of an event in a CSV file or an external SQL table, one column per field. Everything else about a
 * statement is derived. The accepted names (CSV header names, keys of a SQL source's `map`):
 *
 * - `id`: the statement id. A UUID is kept; any other value becomes a stable UUID derived from it. Without it the id
 *   is derived from where the row is (the file's SHA-256 and line; the source and the row's cursor/key), so importing
 *   the same rows again gives the same ids and they are counted once.
 * - `actor_id` (a Lyceum user id) or `actor_email` (a Lyceum user's email becomes that user; others stay an mbox);
 *   `actor_name` (optional display name). One of `actor_id` / `actor_email` is needed.
 * - `verb`: a Lyceum verb name (enrolled, opened, completed, attempted, answered, passed, failed, played, paused,
 *   seeked, rated, published) or a verb IRI.
 * - the object: `object_id` (an activity IRI), or `course_id` [+ `lesson_id` [+ `question_id`]] (Lyceum ids). With
 *   `object_id` and `course_id`/`lesson_id`, the course/lesson becomes the statement's parent activity.
 * - `timestamp`: ISO 8601 (without an offset it is read as UTC; "2026-01-05 10:00:00" works too), or epoch
 *   milliseconds (seconds when below 10^11). Absent: the time of import.
 * - `success`, `completion`: true/false, 1/0, yes/no, t/f, passed/failed.
 * - `score` (raw), `score_scaled` (-1..1), `score_min`, `score_max`: numbers.
 * - `duration`: seconds, or an ISO 8601 duration (PT1M30S).
 * - `response`: text; `registration`: a UUID.
 *
 * A value that cannot be read (an unknown verb name, a bad date, "abc" as a score) is passed on as it is, so the
 * collector dead-letters the event with a reason naming the field.
 */
export const FLAT_FIELDS = [
  'id',
  'actor_id',
  'actor_email',
  'actor_name',
  'verb',
  'object_id',
  'course_id',
  'lesson_id',
  'question_id',
  'timestamp',
  'success',
  'completion',
  'score',
  'score_scaled',
  'score_min',
  'score_max',
  'duration',
  'response',
  'registration',
] as const;
export type FlatField = (typeof FLAT_FIELDS)[number];
export type FlatEvent = Partial<Record<FlatField, unknown>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** A stable UUID (version 8, name-based on SHA-256) for a seed text. */
export function derivedId(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Absent (null, undefined, blank text) → undefined; text trimmed; everything else as it is. */
function present(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') {
    const t = v.trim();
    return t === '' ? undefined : t;
  }
  return v;
}

const text = (v: unknown): string | undefined => {
  const p = present(v);
  if (p === undefined) return undefined;
  return p instanceof Date ? p.toISOString() : String(p);
};

const TRUE = new Set(['true', '1', 'yes', 'y', 't', 'passed', 'pass']);
const FALSE = new Set(['false', '0', 'no', 'n', 'f', 'failed', 'fail']);

function bool(v: unknown): unknown {
  const p = present(v);
  if (p === undefined || typeof p === 'boolean') return p;
  const t = String(p).toLowerCase();
  if (TRUE.has(t)) return true;
  if (FALSE.has(t)) return false;
  return p;
}

function num(v: unknown): unknown {
  const p = present(v);
  if (p === undefined || typeof p === 'number') return p;
  if (typeof p === 'bigint') return Number(p);
  const n = Number(p);
  return typeof p === 'string' && Number.isFinite(n) ? n : p;
}

function timestamp(v: unknown): unknown {
  const p = present(v);
  if (p === undefined) return undefined;
  if (p instanceof Date) return Number.isNaN(p.getTime()) ? String(p) : p.toISOString();
  const n = typeof p === 'number' ? p : typeof p === 'string' && /^\d+(\.\d+)?$/.test(p) ? Number(p) : NaN;
  if (Number.isFinite(n)) return new Date(n < 1e11 ? n * 1000 : n).toISOString();
  if (typeof p !== 'string') return p;
  let s = p.replace(/^(\d{4}-\d{2}-\d{2})[ T]/, '$1T');
  if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s)) s += 'Z';
  const d = new Date(s);
  return /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(d.getTime()) ? d.toISOString() : p;
}

function duration(v: unknown): unknown {
  const n = num(v);
  if (typeof n === 'number' && Number.isFinite(n) && n >= 0) return `PT${Math.round(n * 1000) / 1000}S`;
  return n;
}

function verbIri(v: unknown, aliases: Readonly<Record<string, string>>): unknown {
  const t = text(v);
  if (t === undefined) return undefined;
  const aliased = aliases[t] ?? aliases[t.toLowerCase()] ?? t;
  const key = aliased.toLowerCase();
  return Object.hasOwn(VERBS, key) ? VERBS[key as VerbName] : aliased;
}

function object(row: FlatEvent): { object: Record<string, unknown>; parent: Record<string, unknown> | null } {
  const course = text(row.course_id);
  const lesson = text(row.lesson_id);
  const question = text(row.question_id);
  let where: Record<string, unknown> | null = null;
  if (course && lesson && question)
    where = {
      id: activityIri.question(course, lesson, question),
      definition: { type: ACTIVITY_TYPES.question },
    };
  else if (course && lesson)
    where = { id: activityIri.lesson(course, lesson), definition: { type: ACTIVITY_TYPES.lesson } };
  else if (course) where = { id: activityIri.course(course), definition: { type: ACTIVITY_TYPES.course } };
  const given = text(row.object_id);
  if (given !== undefined) return { object: { id: given }, parent: where ? { id: where.id } : null };
  // A lesson or question without its course cannot be named: leave the id out so the reason says so.
  return { object: where ?? {}, parent: null };
}

export interface FlatContext {
  /** Seed of the derived id when the row has no `id`: where the row is ("file:<sha256>:<line>", …). */
  seed: string;
  /** Seed prefix for non-UUID `id` values ("file", "sql:<source>"). */
  scope: string;
  /** Lyceum user ids of known emails (lower case). */
  users?: ReadonlyMap<string, string>;
  /** Source values of `verb` → a verb name or IRI. */
  verbs?: Readonly<Record<string, string>>;
}

/** The statement a flat row describes (validated by the collector, not here). */
export function flatToStatement(row: FlatEvent, ctx: FlatContext): Record<string, unknown> {
  const givenId = text(row.id);
  const id =
    givenId === undefined
      ? derivedId(ctx.seed)
      : UUID.test(givenId)
        ? givenId.toLowerCase()
        : derivedId(`${ctx.scope}:id:${givenId}`);
  const actorId = text(row.actor_id);
  const email = text(row.actor_email)?.toLowerCase();
  const name = text(row.actor_name);
  const userId = actorId ?? (email ? ctx.users?.get(email) : undefined);
  const actor: Record<string, unknown> = userId
    ? { account: { homePage: LYCEUM_ACCOUNT_HOME, name: userId } }
    : email
      ? { mbox: `mailto:${email}` }
      : {};
  if (name) actor.name = name;
  const verb = verbIri(row.verb, ctx.verbs ?? {});
  const { object: obj, parent } = object(row);

  const score: Record<string, unknown> = {};
  for (const [k, f] of [
    ['raw', 'score'],
    ['scaled', 'score_scaled'],
    ['min', 'score_min'],
    ['max', 'score_max'],
  ] as const) {
    const v = num(row[f]);
    if (v !== undefined) score[k] = v;
  }
  const result: Record<string, unknown> = {};
  if (Object.keys(score).length) result.score = score;
  const success = bool(row.success);
  if (success !== undefined) result.success = success;
  const completion = bool(row.completion);
  if (completion !== undefined) result.completion = completion;
  const dur = duration(row.duration);
  if (dur !== undefined) result.duration = dur;
  const response = text(row.response);
  if (response !== undefined) result.response = response;

  const context: Record<string, unknown> = {};
  const registration = text(row.registration);
  if (registration !== undefined) context.registration = registration;
  if (parent) context.contextActivities = { parent: [parent] };

  const statement: Record<string, unknown> = { id, actor, verb: { id: verb }, object: obj };
  if (Object.keys(result).length) statement.result = result;
  if (Object.keys(context).length) statement.context = context;
  const ts = timestamp(row.timestamp);
  if (ts !== undefined) statement.timestamp = ts;
  return statement;
}

/** What the sources need to turn emails into Lyceum users (the identity module's account service fits). */
export interface UserLookup {
  findByEmail(email: string): Promise<{ id: string } | undefined>;
}

/**
 * Resolves emails to Lyceum user ids, remembering answers (misses for a minute, since the account may be created).
 * Without a lookup every email stays an mbox.
 */
export function emailResolver(users: UserLookup | undefined) {
  const hits = new Map<string, string>();
  const misses = new Map<string, number>();
  return async function resolve(emails: Iterable<string>): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (!users) return out;
    for (const raw of new Set(emails)) {
      const email = raw.trim().toLowerCase();
      if (!email) continue;
      const known = hits.get(email);
      if (known) {
        out.set(email, known);
        continue;
      }
      if ((misses.get(email) ?? 0) > Date.now()) continue;
      const u = await users.findByEmail(email);
      if (hits.size > 50_000) hits.clear();
      if (misses.size > 50_000) misses.clear();
      if (u) {
        hits.set(email, u.id);
        out.set(email, u.id);
      } else misses.set(email, Date.now() + 60_000);
    }
    return out;
  };
}
export type EmailResolver = ReturnType<typeof emailResolver>;

/** Emails named by these rows. */
export const emailsOf = (rows: readonly FlatEvent[]): string[] =>
  rows.map((r) => text(r.actor_email)).filter((e): e is string => e !== undefined);
