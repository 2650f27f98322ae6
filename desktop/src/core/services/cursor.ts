import { z } from 'zod';
import { CoreError } from '../errors.ts';

/**
 * The core's own catalog cursor: the server's cursor (when the page came from the server) and how many items were
 * shown before the next page, so "load more" continues from the cache when the server went away in between.
 */
const CursorBody = z
  .object({ s: z.string().max(500).optional(), o: z.number().int().min(0).max(1_000_000) })
  .strict();
export type CatalogCursor = z.infer<typeof CursorBody>;

export function encodeCatalogCursor(c: CatalogCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCatalogCursor(text: string | undefined): CatalogCursor | null {
  if (!text) return null;
  try {
    const parsed = CursorBody.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    /* fall through */
  }
  throw new CoreError('validation_failed', 'The cursor is not one this app made', { field: 'cursor' });
}
