import type { Rng } from './rng.ts';

/** A JSON schema node of the OpenAPI document (the subset zod's toJSONSchema writes). */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}

/** Strings an attacker tries: control and non-characters, lone surrogates, injection, traversal, sizes. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFFy',
  '\uFFFE\uFFFF',
  '\u202Eevil\u202C',
  '\u200B\u200D\uFEFF',
  'Ω≈ç√∫˜µ≤≥÷ 田中さん 👩🏽‍💻 𝕳𝖊𝖑𝖑𝖔',
  "' OR '1'='1' --",
  "'; DROP TABLE users; --",
  '"\\\'\\u0000',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '{{7*7}}${7*7}<%= 7*7 %>',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2f',
  '%00',
  '%',
  'file:///etc/passwd',
  'http://127.0.0.1:1/',
  'javascript:alert(1)',
  '${jndi:ldap://x/a}',
  '__proto__',
  'constructor',
  'NaN',
  '-1',
  '1e309',
  '99999999999999999999999',
  '0000-00-00T00:00:00Z',
  '2020-02-30T25:61:61Z',
  '+275760-09-13T00:00:00.001Z',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-7FFF-BFFF-FFFFFFFFFFFF',
  'a'.repeat(256),
  'x'.repeat(10_001),
  '\n\r\t\u000b\u000c',
];

const HUGE = () => 'z'.repeat(300_000);

/** Any JSON value of the wrong kind or at a boundary. */
export function hostileValue(r: Rng, depth = 0): unknown {
  switch (r.int(0, 13)) {
    case 0:
    case 1:
    case 2:
    case 3:
      return r.pick(HOSTILE_STRINGS);
    case 4:
      return r.pick([0, -1, -0, 1.5, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, -1e308, Number.MIN_VALUE]);
    case 5:
      return r.pick([true, false, null]);
    case 6:
      return [];
    case 7:
      return {};
    case 8:
      return depth > 2 ? null : [hostileValue(r, depth + 1), hostileValue(r, depth + 1)];
    case 9:
      return depth > 2 ? null : { [r.pick(HOSTILE_STRINGS)]: hostileValue(r, depth + 1) };
    case 10:
      return r.chance(0.1) ? HUGE() : r.pick(HOSTILE_STRINGS).repeat(r.int(2, 50));
    case 11:
      return r.uuid();
    case 12:
      return new Date(Date.now() + r.int(-1, 1) * r.int(1, 10 ** 6) * 86_400_000).toISOString();
    default:
      return Array.from({ length: r.int(50, 300) }, () => r.int(-5, 5));
  }
}

export function resolve(s: JsonSchema | undefined, components: Record<string, JsonSchema>): JsonSchema {
  let cur = s ?? {};
  for (let i = 0; i < 10 && cur.$ref; i++) cur = components[cur.$ref.split('/').pop()!] ?? {};
  return cur;
}

function typeOf(s: JsonSchema): string | undefined {
  return Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
}

/** A value that matches the schema (roughly): the base each mutation starts from, so validation is passed at times. */
export function plausible(
  s0: JsonSchema | undefined,
  components: Record<string, JsonSchema>,
  r: Rng,
  known: { ids: string[] },
  depth = 0,
): unknown {
  const s = resolve(s0, components);
  if (depth > 6) return null;
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return r.pick(s.enum);
  const alts = s.anyOf ?? s.oneOf;
  if (alts?.length) return plausible(r.pick(alts), components, r, known, depth + 1);
  if (s.allOf?.length) return plausible(s.allOf[0], components, r, known, depth + 1);
  switch (typeOf(s)) {
    case 'string': {
      if (s.format === 'uuid') return r.chance(0.6) && known.ids.length ? r.pick(known.ids) : r.uuid();
      if (s.format === 'date-time') return new Date(Date.now() - r.int(0, 10 ** 9)).toISOString();
      if (s.format === 'email') return `fuzz${r.int(0, 1e6)}@example.test`;
      if (s.format === 'uri') return 'https://example.test/x';
      const min = s.minLength ?? 1;
      const max = Math.min(s.maxLength ?? 24, min + 24);
      return 'Fuzz text '
        .repeat(4)
        .slice(0, r.int(min, Math.max(min, max)))
        .padEnd(min, 'x');
    }
    case 'integer':
    case 'number': {
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 0);
      const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : min + 100);
      return r.int(Math.ceil(min), Math.max(Math.ceil(min), Math.floor(max)));
    }
    case 'boolean':
      return r.chance(0.5);
    case 'null':
      return null;
    case 'array': {
      if (s.prefixItems) return s.prefixItems.map((p) => plausible(p, components, r, known, depth + 1));
      const n = r.int(s.minItems ?? 0, Math.min(s.maxItems ?? 3, (s.minItems ?? 0) + 3));
      return Array.from({ length: n }, () => plausible(s.items, components, r, known, depth + 1));
    }
    case 'object':
    default: {
      if (!s.properties) return {};
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties))
        if (s.required?.includes(k) || r.chance(0.5)) out[k] = plausible(v, components, r, known, depth + 1);
      return out;
    }
  }
}

/** Replace one value somewhere in `v` by a hostile one, drop a field, or add unknown ones. */
export function mutate(v: unknown, r: Rng): unknown {
  if (v === null || typeof v !== 'object' || r.chance(0.15)) return hostileValue(r);
  const copy: Record<string, unknown> | unknown[] = Array.isArray(v) ? [...v] : { ...(v as object) };
  const keys = Object.keys(copy);
  const op = r.int(0, 9);
  if (keys.length === 0 || op === 0) {
    (copy as Record<string, unknown>)[r.pick(['extra', '__proto__', 'constructor', 'id', 'role', '$where'])] =
      hostileValue(r);
    return copy;
  }
  const key = r.pick(keys);
  if (op === 1 && !Array.isArray(copy)) {
    delete copy[key];
    return copy;
  }
  const target = (copy as Record<string, unknown>)[key];
  (copy as Record<string, unknown>)[key] =
    target !== null && typeof target === 'object' && r.chance(0.6) ? mutate(target, r) : hostileValue(r);
  return copy;
}

/** Request bodies that are not JSON at all, or JSON that breaks parsers. */
export const RAW_BODIES: readonly string[] = [
  '{',
  '{"a":',
  '[1,2',
  'nul',
  '{"a":1,"a":2}',
  '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}',
  '\u0000',
  '"\\ud800"',
  '1e999999',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  '\uFEFF{}',
  '{"a":"\\u0000"}',
];

/** Content types a JSON route should refuse cleanly. */
export const WRONG_CONTENT_TYPES: readonly string[] = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/json; charset=utf-16',
  'application/json; charset=klingon',
  'application/xml',
  '*/*',
];
