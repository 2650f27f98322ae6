import { ApiError } from './errors.ts';

/** Deeper than any request the API documents (xAPI extensions included), and far from V8's recursion limits. */
export const MAX_JSON_DEPTH = 100;

/**
 * Whether a JSON text nests objects and arrays deeper than `max`, read in one pass over the bytes (brackets inside
 * strings do not count). JSON.parse reads any depth, but everything after it that walks the value — structuredClone,
 * JSON.stringify for a log line or a dead letter, PostgreSQL's jsonb — overflows a stack somewhere past a few
 * thousand levels: such a body is refused before it is parsed.
 */
export function jsonTooDeep(text: Uint8Array | string, max = MAX_JSON_DEPTH): boolean {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** body-parser's `verify` hook: refuse (400 validation_failed) a JSON body nested too deeply, before parsing it. */
export function refuseDeepJson(_req: unknown, _res: unknown, buf: Buffer): void {
  if (jsonTooDeep(buf))
    throw new ApiError(
      'validation_failed',
      `The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep`,
    );
}

/** JSON.parse for a body read by hand (multipart parts, form fields): refuses too deep a value as the parsers do. */
export function parseJson(text: string): unknown {
  if (jsonTooDeep(text))
    throw new ApiError('validation_failed', `The JSON is nested more than ${MAX_JSON_DEPTH} levels deep`);
  return JSON.parse(text);
}
