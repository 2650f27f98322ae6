import { z } from 'zod';

export const Id = z.uuid();
export type Id = z.infer<typeof Id>;

export const IsoDateTime = z.iso.datetime({ offset: true });

export const IdParams = z.object({ id: Id }).strict();

/** Limit for paginated lists. */
export const Limit = z.coerce.number().int().min(1).max(100).default(20);

export const Role = z.enum(['student', 'instructor', 'admin']);
export type Role = z.infer<typeof Role>;

export const Ok = z.object({ ok: z.literal(true) });

/**
 * Characters text fields may not hold: NUL (PostgreSQL text and jsonb cannot store it), lone UTF-16 surrogates (no
 * UTF-8 form: they would be stored as U+FFFD, silently changed) and the Unicode non-characters (U+FDD0–U+FDEF, U+FFFE,
 * U+FFFF). Astral non-characters (U+1FFFE, …) are left alone: they are storable and too rare to matter.
 */
const UNSTORABLE =
  // eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
  /[\u0000\uFDD0-\uFDEF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when a string can be stored and queried as it is (see UNSTORABLE). */
export const isStorableText = (s: string): boolean => !UNSTORABLE.test(s);

/** The one refinement every text field carries (use Text(), or .check(storableText) on z.email() / z.url()). */
export const storableText = z.refine<string>(isStorableText, {
  message: 'Holds a character that cannot be stored (NUL, a lone surrogate or a Unicode non-character)',
});

/** A text field: a string without NUL, lone surrogates or non-characters. Chain .trim().min().max() as on z.string(). */
export const Text = () => z.string().check(storableText);
