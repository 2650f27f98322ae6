import { sql } from 'drizzle-orm';
import { LessonKind, queryWords } from '@lyceum/contracts';
import type { LessonHit, TextPart } from '../../contracts/lesson-search.ts';
import type { LocalDb } from './open.ts';
import { ftsMatch } from './words.ts';

/** Marks FTS5 puts around matched words (control characters: never in the text shown). */
const OPEN = '\u0002';
const CLOSE = '\u0003';
/** Words around the match in a snippet. */
const SNIPPET_WORDS = 14;

/** Markdown the snippet would show as punctuation: links keep their text, emphasis and code marks go. */
function plainText(s: string): string {
  return s
    .replace(/!?\[([^\]]*)\]\([^)]*\)?/g, '$1')
    .replace(/\]\([^)]*\)?/g, '')
    .replace(/(^|\n)\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+/g, '$1')
    .replace(/\*\*|__|`+|~~/g, '')
    .replace(/(^|\s)[*_](?=\S)|(?<=\S)[*_](?=\s|$)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A marked FTS5 snippet or highlight as parts, the matched ones flagged. */
export function markedParts(marked: string): TextPart[] {
  const parts: TextPart[] = [];
  for (const [i, piece] of plainText(marked)
    .split(new RegExp(`[${OPEN}${CLOSE}]`))
    .entries()) {
    if (piece) parts.push({ text: piece, match: i % 2 === 1 });
  }
  return parts;
}

/** The stored lessons of the student's courses (see searchStoredLessons), by course. */
const studentLessons = (userId: string) => sql`lesson_texts t
    JOIN course_details d ON d.id = t.course_id AND d.viewer_id = ${userId}
    JOIN enrollments e ON e.course_id = t.course_id AND e.status IN ('active', 'completed')`;

interface Row {
  courseId: string;
  lessonId: string;
  courseTitle: string;
  moduleTitle: string;
  kind: string;
  title: string;
  markedTitle: string;
  snippet: string;
}

/**
 * Lessons of the student's stored courses whose title or text (lesson body, quiz prompts and options) holds every
 * word of the query, best first (title matches weigh more): the courses the signed-in student is enrolled in (not
 * dropped) whose structure was stored for them, so every hit opens offline.
 */
export function searchStoredLessons(db: LocalDb, userId: string, q: string, limit: number): LessonHit[] {
  const words = queryWords(q);
  if (!words.length) return [];
  const rows = db.all<Row>(sql`SELECT t.course_id AS courseId, t.lesson_id AS lessonId,
      t.course_title AS courseTitle, t.module_title AS moduleTitle, t.kind, t.title,
      highlight(lesson_search, 0, ${OPEN}, ${CLOSE}) AS markedTitle,
      snippet(lesson_search, 1, ${OPEN}, ${CLOSE}, '…', ${SNIPPET_WORDS}) AS snippet
    FROM ${studentLessons(userId)} JOIN lesson_search ON lesson_search.rowid = t.id
    WHERE lesson_search MATCH ${ftsMatch(words)}
    ORDER BY bm25(lesson_search, 3.0, 1.0), t.id
    LIMIT ${limit}`);
  return rows.map((r) => ({
    courseId: r.courseId,
    courseTitle: r.courseTitle,
    moduleTitle: r.moduleTitle,
    lessonId: r.lessonId,
    kind: LessonKind.catch('text').parse(r.kind),
    title: markedParts(r.markedTitle),
    snippet: markedParts(r.snippet),
  }));
}

/** How many stored lessons of the student's courses can be searched. */
export function searchableLessonCount(db: LocalDb, userId: string): number {
  return db.get<{ n: number }>(sql`SELECT count(*) AS n FROM ${studentLessons(userId)}`)?.n ?? 0;
}
