import { isIri, isLanguageTag } from './formats.ts';

/** A statement that breaks a "must" of xAPI 1.0.3; `path` names the property (e.g. `context.instructor.mbox`). */
export class StatementInvalid extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(path ? `${path}: ${message}` : message);
  }
}

export type Json = Record<string, unknown>;

export const fail = (path: string, message: string): never => {
  throw new StatementInvalid(path, message);
};

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An object whose properties are all among `allowed` and none null (xAPI: null has no meaning). */
export function object(
  v: unknown,
  path: string,
  allowed: readonly string[],
  required: readonly string[] = [],
): Json {
  if (!isObject(v)) return fail(path, 'must be an object');
  for (const [k, value] of Object.entries(v)) {
    if (!allowed.includes(k)) fail(path ? `${path}.${k}` : k, 'is not a property xAPI 1.0.3 defines here');
    if (value === null) fail(path ? `${path}.${k}` : k, 'must not be null');
  }
  for (const k of required) if (v[k] === undefined) fail(path ? `${path}.${k}` : k, 'is required');
  return v;
}

export const at = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

export function string(v: unknown, path: string): string {
  if (typeof v !== 'string') return fail(path, 'must be a string');
  return v;
}

export function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') return fail(path, 'must be true or false');
  return v;
}

export function number(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return fail(path, 'must be a number');
  return v;
}

export function iri(v: unknown, path: string): string {
  if (!isIri(v)) return fail(path, 'must be an IRI');
  return v;
}

export function array(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) return fail(path, 'must be an array');
  return v;
}

/** A language map: RFC 5646 tags to strings. */
export function languageMap(v: unknown, path: string): void {
  if (!isObject(v)) return fail(path, 'must be a language map (an object of language tags to strings)');
  for (const [tag, text] of Object.entries(v)) {
    if (!isLanguageTag(tag)) fail(at(path, tag), 'is not an RFC 5646 language tag');
    if (typeof text !== 'string') fail(at(path, tag), 'must be a string');
  }
}

/** Extensions: keys are IRIs, values any JSON. */
export function extensions(v: unknown, path: string): void {
  if (!isObject(v)) return fail(path, 'must be an object of IRIs to values');
  for (const [k, value] of Object.entries(v)) {
    if (!isIri(k)) fail(at(path, k), 'extension keys must be IRIs');
    if (value === undefined) fail(at(path, k), 'must have a value');
  }
}
