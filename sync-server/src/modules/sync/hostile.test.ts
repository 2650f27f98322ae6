import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStorableText, MutationName, type Mutation, type MutationResult } from '@lyceum/contracts';
import { prng } from '@lyceum/testing';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { instructorCourse, enrollDirectly, type CreatedCourse } from '../../../test/factories.ts';
import { Replica, progressArgs } from './test-support.ts';

/**
 * Property test: random hostile strings (NUL, lone surrogates, non-characters, huge, RTL marks, emoji, SQL, HTML) in
 * every kind of mutation, between good neighbours. Seeded, so a failure is reproducible (LYCEUM_FUZZ_SEED).
 */
const SEED = Number(process.env.LYCEUM_FUZZ_SEED ?? 20261207);
const ROUNDS = 20;

const PIECES = [
  '\u0000',
  '\uD800',
  '\uDFFF',
  '\uDBFF\uDFFF', // a valid pair (U+10FFFF)
  '\uFFFE',
  '\uFFFF',
  '\uFDD0',
  '\u202E', // right-to-left override
  '\u200F',
  '\u0645\u0631\u062D\u0628\u0627',
  '😀',
  '👩‍👩‍👧',
  "'; DROP TABLE users; --",
  '<script>alert(1)</script>',
  '%00',
  '\\u0000',
  '\n\t',
  'é',
  'a',
];

function hostile(rnd: () => number): string {
  if (rnd() < 0.1) return 'x'.repeat(3000 + Math.floor(rnd() * 200_000)) + (rnd() < 0.5 ? '\u0000' : '');
  let s = '';
  const n = 1 + Math.floor(rnd() * 6);
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(rnd() * PIECES.length)]!;
  return s;
}

let t: TestServer;
let course: CreatedCourse;

beforeAll(async () => {
  t = await startTestServer();
  course = await instructorCourse(t, {
    modules: [
      [
        { title: 'A' },
        {
          title: 'Q',
          quiz: {
            attemptsAllowed: null,
            questions: [{ answer: { type: 'short_answer', accepted: ['paris'], caseSensitive: false } }],
          },
        },
      ],
    ],
  });
});
afterAll(() => t.close());

type Name = Mutation['name'];
const NAMES: readonly Name[] = MutationName.options;

const envelope = (name: Name, args: unknown) => ({
  id: randomUUID(),
  clientSeq: 0,
  createdAt: new Date().toISOString(),
  name,
  args,
});

/** A mutation of that kind carrying the hostile string in a field that takes text (or an id, for those without). */
function carrying(name: Name, s: string) {
  const quiz = course.lesson('Q');
  switch (name) {
    case 'recordProgress':
      return envelope(name, { ...progressArgs(course.id, course.lesson('A').id), lessonId: s });
    case 'submitQuizAttempt':
      return envelope(name, {
        id: randomUUID(),
        courseId: course.id,
        lessonId: quiz.id,
        answers: { [quiz.questionIds[0]!]: s },
        submittedAt: new Date().toISOString(),
      });
    case 'enroll':
    case 'unenroll':
      return envelope(name, { courseId: s });
    case 'putPreferences':
      return envelope(name, { timezone: s });
    case 'rateCourse':
      return envelope(name, { courseId: course.id, stars: 4, review: s });
    case 'redeemVoucher':
      return envelope(name, { courseId: course.id, code: s });
    // Authoring (a student's device: refused, never a 5xx).
    case 'updateLesson':
      return envelope(name, {
        courseId: course.id,
        baseVersion: 1,
        lessonId: course.lesson('A').id,
        patch: { body: s },
      });
    case 'createCourse':
      return envelope(name, { courseId: randomUUID(), title: s, subject: s });
    case 'addModule':
      return envelope(name, { courseId: course.id, baseVersion: 1, moduleId: randomUUID(), title: s });
    default:
      // Any other kind: the string where an id goes (an unreadable or refused mutation, never a 5xx).
      return envelope(name, { courseId: s });
  }
}

describe('hostile strings in pushed mutations', () => {
  it('never answer 5xx; a bad mutation is rejected alone and its good neighbours are applied', async () => {
    const rnd = prng(SEED);
    const student = await t.user('student');
    await enrollDirectly(t.server.database.pool, course.id, student.id);
    const device = new Replica(t, student.token);
    let unstorable = 0;
    let storable = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of NAMES) {
        const s = hostile(rnd);
        const before = progressArgs(course.id, course.lesson('A').id, { positionSeconds: round });
        const after = progressArgs(course.id, course.lesson('A').id, { positionSeconds: round + 1 });
        const mutations = [
          envelope('recordProgress', before),
          carrying(name, s),
          envelope('recordProgress', after),
        ].map((m, i) => ({ ...m, clientSeq: round * 100 + i }));
        const r = await device.pushRaw(mutations as Mutation[]);
        const seed = `seed ${SEED}, round ${round}, ${name}, ${JSON.stringify(s.slice(0, 60))} (${s.length} chars)`;
        expect(r.status, seed).toBe(200);
        const results: MutationResult[] = r.body.results;
        expect(
          results.map((x) => x.id),
          seed,
        ).toEqual(mutations.map((m) => m.id));
        expect(results[0], seed).toMatchObject({ status: 'applied' });
        expect(results[2], seed).toMatchObject({ status: 'applied' });
        if (!isStorableText(s)) {
          unstorable++;
          expect(results[1], seed).toMatchObject({ status: 'rejected', code: 'validation_failed' });
        } else {
          storable++;
          // Storable but odd: applied, or refused for a business reason; never an unexpected error.
          const x = results[1]!;
          if (x.status === 'rejected') expect(x.code, seed).not.toBe('internal');
        }
        const stored = await t.server.database.pool.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM progress_events WHERE id = ANY($1::uuid[])',
          [[before.id, after.id]],
        );
        expect(stored.rows[0]!.n, seed).toBe(2);
      }
    }
    // The generator produced both kinds (the property was exercised both ways).
    expect(unstorable).toBeGreaterThan(20);
    expect(storable).toBeGreaterThan(10);
  });

  it('a push whose first mutation is an attempt with a NUL answer: it alone is rejected, five records applied', async () => {
    const student = await t.user('student');
    await enrollDirectly(t.server.database.pool, course.id, student.id);
    const device = new Replica(t, student.token);
    const quiz = course.lesson('Q');
    const attempt = device.queue('submitQuizAttempt', {
      id: randomUUID(),
      courseId: course.id,
      lessonId: quiz.id,
      answers: { [quiz.questionIds[0]!]: 'par\u0000is' },
      submittedAt: new Date().toISOString(),
    });
    for (let i = 0; i < 5; i++)
      device.queue('recordProgress', progressArgs(course.id, course.lesson('A').id, { positionSeconds: i }));
    const pushed = [...device.outbox];
    const results = await device.push();
    expect(results).toHaveLength(6);
    expect(results[0]).toMatchObject({ id: attempt.id, status: 'rejected', code: 'validation_failed' });
    expect(results.slice(1).every((r) => r.status === 'applied')).toBe(true);
    expect(device.outbox).toHaveLength(0);
    // Pushed again (a lost answer): the same rejection, the records as duplicates.
    const again = await device.pushRaw(pushed);
    expect(again.status).toBe(200);
    expect(again.body.results.map((r) => r.status)).toEqual(results.map((r) => r.status));
  });
});
