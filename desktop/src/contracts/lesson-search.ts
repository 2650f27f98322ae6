import { z } from 'zod';
import { Id, LessonKind } from '@lyceum/contracts';

/** The local API's search inside stored lessons. */

/** GET /api/lessons/search?q=&limit=: words as the catalog search takes them; 10 hits by default, 50 at most. */
export const LessonSearchQuery = z
  .object({
    q: z.string().max(200),
    limit: z.coerce.number().int().min(1).max(50).default(10),
  })
  .strict();
export type LessonSearchQuery = z.infer<typeof LessonSearchQuery>;

/** A piece of a title or snippet; `match` when it is one of the words searched for. */
export const TextPart = z.object({ text: z.string(), match: z.boolean() });
export type TextPart = z.infer<typeof TextPart>;

/** A lesson whose title or text holds the words: where it is, and the words in context. */
export const LessonHit = z.object({
  courseId: Id,
  courseTitle: z.string(),
  moduleTitle: z.string(),
  lessonId: Id,
  kind: LessonKind,
  title: z.array(TextPart),
  snippet: z.array(TextPart),
});
export type LessonHit = z.infer<typeof LessonHit>;

export const LessonSearchResult = z.object({
  items: z.array(LessonHit),
  /** How many lessons of stored courses can be searched (0: nothing stored yet). */
  indexed: z.number().int(),
});
export type LessonSearchResult = z.infer<typeof LessonSearchResult>;
