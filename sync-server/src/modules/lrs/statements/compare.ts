import type { Json } from '../validation/check.ts';
import { isObject } from '../validation/check.ts';

/** JSON with object keys sorted, for comparing statements regardless of property order. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (isObject(v))
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical(v[k])]),
    );
  return v;
}

/** Properties the LRS sets or may rewrite (xAPI-Data 2.3.1 "Statement Comparison Requirements"). */
const IGNORED = ['id', 'stored', 'authority', 'version'];

/**
 * Whether a statement sent again under a known id carries the same content as the stored one: equal after the LRS's
 * own properties are set aside, timestamps compared as instants, and a timestamp the LRS filled ignored.
 */
export function sameStatement(sent: Json, stored: Json): boolean {
  const strip = (s: Json, keepTimestamp: boolean) => {
    const out: Json = {};
    for (const [k, v] of Object.entries(s)) {
      if (IGNORED.includes(k)) continue;
      if (k === 'timestamp') {
        if (keepTimestamp) out[k] = Date.parse(String(v));
        continue;
      }
      out[k] = v;
    }
    return JSON.stringify(canonical(out));
  };
  const hasTimestamp = sent.timestamp !== undefined;
  return strip(sent, hasTimestamp) === strip(stored, hasTimestamp);
}
