/**
 * The value formats of xAPI 1.0.3 (xAPI-Data, section 4 "Data Types" and the properties that use them): IRIs,
 * RFC 5646 language tags, ISO 8601 timestamps and durations, UUIDs, mbox and sha1 sums.
 */

/** An absolute IRI: a scheme, a colon and a rest with no whitespace or control characters. */
// eslint-disable-next-line no-control-regex -- control characters are what an IRI may not hold
const IRI = /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s\u0000-\u001f\u007f<>"{}|\\^`]+$/u;
export const isIri = (v: unknown): v is string => typeof v === 'string' && v.length <= 4096 && IRI.test(v);

/** An IRL: an IRI that can be looked up (http or https). */
export const isIrl = (v: unknown): v is string => isIri(v) && /^https?:\/\/[^/?#\s]+/i.test(v);

/** RFC 5646 language tags (langtag, private use, the irregular grandfathered tags). */
const LANGTAG =
  /^(?:(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})(?:-[a-z]{4})?(?:-(?:[a-z]{2}|\d{3}))?(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*(?:-[\da-wyz](?:-[a-z\d]{2,8})+)*(?:-x(?:-[a-z\d]{1,8})+)?|x(?:-[a-z\d]{1,8})+|en-gb-oed|i-(?:ami|bnn|default|enochian|hak|klingon|lux|mingo|navajo|pwn|tao|tay|tsu)|sgn-(?:be-fr|be-nl|ch-de))$/i;
export const isLanguageTag = (v: unknown): v is string => typeof v === 'string' && LANGTAG.test(v);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

/** ISO 8601 date-time with a time zone designator; "-00:00" (an unknown offset, RFC 3339) is refused. */
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-](\d{2})(?::?(\d{2}))?)?$/;
export function isTimestamp(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const m = TIMESTAMP.exec(v);
  if (!m) return false;
  const [, y, mo, d, h, mi, s, , tz] = m;
  if (tz && /^-00(?::?00)?$/.test(tz)) return false;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(Number(y), month, 0)).getUTCDate())
    return false;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 60) return false;
  return !Number.isNaN(Date.parse(normaliseTimestamp(v)));
}

/** The timestamp as Date.parse reads it (comma decimal, +hhmm and +hh offsets, no offset = UTC). */
export function normaliseTimestamp(v: string): string {
  let t = v.replace(',', '.');
  t = t.replace(/([+-]\d{2})(\d{2})$/, '$1:$2').replace(/([+-]\d{2})$/, '$1:00');
  if (!/(Z|[+-]\d{2}:\d{2})$/.test(t)) t += 'Z';
  return t;
}

/** ISO 8601 duration: either weeks alone (P4W) or the Y M D T H M S form; only the last part may be decimal. */
const DURATION =
  /^P(?:\d+(?:\.\d+)?W|(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+(?:\.\d+)?D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?)$/;
export const isDuration = (v: unknown): v is string =>
  typeof v === 'string' && DURATION.test(v) && !/\.\d+[A-Z]\d/.test(v.replace('T', ''));

export const isMbox = (v: unknown): v is string =>
  typeof v === 'string' && /^mailto:[^@\s]+@[^@\s]+$/i.test(v) && v.length <= 320;
export const isSha1 = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{40}$/i.test(v);
export const isSha2 = (v: unknown): v is string =>
  typeof v === 'string' && /^(?:[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})$/i.test(v);
