import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { CourseDetail, LessonView } from '@lyceum/contracts';
import { detail } from '../../test-support/factories.ts';
import type { TextPart } from '../../contracts/lesson-search.ts';
import { catalogCache } from './catalog-cache.ts';
import { markedParts, searchableLessonCount, searchStoredLessons } from './lesson-search.ts';
import { openStore, type Store } from './open.ts';
import { courseDetails, enrollments } from './tables.ts';

const stores: Store[] = [];
afterEach(() => {
  while (stores.length) stores.pop()!.close();
});
const ME = randomUUID();

const lesson = (over: Partial<LessonView>): LessonView => ({
  id: randomUUID(),
  title: 'A lesson',
  kind: 'text',
  durationMinutes: 5,
  isPreview: false,
  required: true,
  dueAt: null,
  locked: false,
  ...over,
});

/** A course as an enrolled student stores it: a text lesson, a quiz with its questions, a locked lesson, a video. */
function course(title: string, body: string): CourseDetail {
  return detail({
    title,
    modules: [
      {
        id: randomUUID(),
        title: 'Basics',
        lessons: [
          lesson({ title: 'Variables and names', body }),
          lesson({
            title: 'Check yourself',
            kind: 'quiz',
            quiz: {
              passingPercent: 70,
              attemptsAllowed: null,
              graded: false,
              weight: 1,
              deviceGradable: true,
              shuffle: false,
              questionCount: 1,
              questions: [
                {
                  id: randomUUID(),
                  type: 'single_choice',
                  prompt: 'Which keyword starts a loop?',
                  options: [
                    { id: 'a', text: 'while' },
                    { id: 'b', text: 'elephant' },
                  ],
                  points: 1,
                },
              ],
            },
          }),
          lesson({ title: 'Locked secrets', locked: true }),
          lesson({ title: 'Watch this', kind: 'video' }),
        ],
      },
    ],
    viewer: { canEdit: false, enrolled: true, contentUnlocked: true },
  });
}

function setup() {
  const s = openStore(':memory:');
  stores.push(s);
  const cache = catalogCache(s.db);
  const enroll = (courseId: string, status = 'active') =>
    s.db
      .insert(enrollments)
      .values({ courseId, status, dataJson: '{}', updatedAt: new Date().toISOString() })
      .onConflictDoUpdate({ target: enrollments.courseId, set: { status } })
      .run();
  const find = (q: string, userId = ME) => searchStoredLessons(s.db, userId, q, 10);
  return { s, cache, enroll, find };
}
const text = (parts: TextPart[]) => parts.map((p) => p.text).join('');
const matches = (parts: TextPart[]) => parts.filter((p) => p.match).map((p) => p.text.toLowerCase());

describe('search inside stored lessons', () => {
  it('finds a word in a text lesson, with the course, the lesson and a highlighted snippet', () => {
    const { cache, enroll, find } = setup();
    const py = course(
      'Python Basics',
      'A **variable** holds a value. Python names are *case-sensitive* identifiers.',
    );
    cache.putDetail(py, ME);
    enroll(py.id);
    const [hit, ...rest] = find('identifiers');
    expect(rest).toEqual([]);
    const l = py.modules[0]!.lessons[0]!;
    expect(hit).toMatchObject({
      courseId: py.id,
      courseTitle: 'Python Basics',
      moduleTitle: 'Basics',
      lessonId: l.id,
      kind: 'text',
    });
    expect(text(hit!.title)).toBe('Variables and names');
    expect(matches(hit!.snippet)).toEqual(['identifiers']);
    // Markdown marks do not show in the snippet.
    expect(text(hit!.snippet)).toBe('A variable holds a value. Python names are case-sensitive identifiers.');
    // Stems and prefixes as in the catalog search; a title match is highlighted in the title.
    expect(find('identifier').map((h) => h.lessonId)).toEqual([l.id]);
    expect(matches(find('variab')[0]!.title)).toEqual(['variables']);
  });

  it('finds quiz questions and their options, never locked lessons', () => {
    const { cache, enroll, find } = setup();
    const py = course('Python Basics', 'Text.');
    cache.putDetail(py, ME);
    enroll(py.id);
    const quiz = py.modules[0]!.lessons[1]!;
    expect(find('loop keyword').map((h) => [h.lessonId, h.kind])).toEqual([[quiz.id, 'quiz']]);
    expect(find('elephant').map((h) => h.lessonId)).toEqual([quiz.id]);
    expect(find('secrets')).toEqual([]);
    expect(find('watch')).toEqual([]);
  });

  it('follows the stored structure: changed, removed, cleared', () => {
    const { s, cache, enroll, find } = setup();
    const a = course('Python Basics', 'Indentation matters.');
    const b = course('Rust Basics', 'Ownership and borrowing.');
    for (const c of [a, b]) {
      cache.putDetail(c, ME);
      enroll(c.id);
    }
    expect(find('indentation')).toHaveLength(1);
    expect(searchableLessonCount(s.db, ME)).toBe(4);

    // The instructor rewrote the lesson: the old words are gone, the new ones found.
    const changed = structuredClone(a);
    changed.modules[0]!.lessons[0]!.body = 'Whitespace is significant.';
    cache.putDetail(changed, ME);
    expect(find('indentation')).toEqual([]);
    expect(find('whitespace').map((h) => h.courseId)).toEqual([a.id]);

    // The course is gone from the server.
    cache.forget(a.id);
    expect(find('whitespace')).toEqual([]);
    expect(find('borrowing').map((h) => h.courseId)).toEqual([b.id]);

    // A structure deleted by a pull, then every structure (the account's data cleared).
    cache.putDetail(a, ME);
    s.db.delete(courseDetails).where(eq(courseDetails.id, a.id)).run();
    expect(find('indentation')).toEqual([]);
    cache.clearDetails();
    expect(find('borrowing')).toEqual([]);
    expect(s.sqlite.prepare('SELECT count(*) AS n FROM lesson_texts').get()).toEqual({ n: 0 });
  });

  it("answers only the signed-in student's enrolled courses", () => {
    const { cache, enroll, find } = setup();
    const mine = course('Python Basics', 'Decorators wrap functions.');
    const dropped = course('Old Course', 'Decorators again.');
    const notEnrolled = course('Browsed Course', 'Decorators once more.');
    const someoneElse = course('Their Course', 'Decorators of theirs.');
    cache.putDetail(mine, ME);
    cache.putDetail(dropped, ME);
    cache.putDetail(notEnrolled, ME);
    cache.putDetail(someoneElse, randomUUID());
    enroll(mine.id);
    enroll(dropped.id, 'dropped');
    enroll(someoneElse.id);
    expect(find('decorators').map((h) => h.courseTitle)).toEqual(['Python Basics']);
    expect(find('decorators', randomUUID())).toEqual([]);
  });

  it('survives hostile input and answers nothing for no words', () => {
    const { cache, enroll, find } = setup();
    const py = course('Python Basics', 'Quotes " and stars * inside.');
    cache.putDetail(py, ME);
    enroll(py.id);
    for (const q of ['', '   ', '"', '*', 'NEAR(', 'a OR b', "'; DROP TABLE lesson_texts; --"])
      expect(() => find(q), q).not.toThrow();
    expect(find('quotes stars')).toHaveLength(1);
  });

  it('splits marked text into parts', () => {
    expect(markedParts('a \u0002big\u0003 [link](http://x) `code` end')).toEqual([
      { text: 'a ', match: false },
      { text: 'big', match: true },
      { text: ' link code end', match: false },
    ]);
  });
});
