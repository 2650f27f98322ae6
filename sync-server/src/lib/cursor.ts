import { ApiError } from '../http/errors.ts';

/** Opaque pagination cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(value: unknown[]): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): unknown[] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === arity) return v;
  } catch {
    /* fall through */
  }
  throw new ApiError('validation_failed', 'The cursor is malformed', { field: 'cursor' });
}
