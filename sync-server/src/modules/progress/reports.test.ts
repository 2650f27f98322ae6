import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseReport, Enrollment, ErrorBody, StudentCourseProgress } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import {
  createCourse,
  enrollDirectly,
  type CreatedCourse,
  type CreatedLesson,
} from '../../../test/factories.ts';

type Account = Awaited<ReturnType<TestServer['user']>>;
let t: TestServer;
let owner: Account;
let course: CreatedCourse;
const people: Record<string, Account> = {};
let D16 = 0;

const MIN = 60_000;
const DAY = 86_400_000;
const T = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

const tf = (n: number) =>
  Array.from({ length: n }, () => ({ answer: { type: 'true_false' as const, value: true } }));

async function lessonDone(who: Account, lesson: CreatedLesson, at: number) {
  const r = await t.api('POST', '/api/v1/progress', {
    token: who.token,
    body: {
      id: crypto.randomUUID(),
      courseId: course.id,
      lessonId: lesson.id,
      completed: true,
      occurredAt: iso(at),
    },
  });
  expect(r.status).toBe(201);
}

/** Answer the first `right` questions correctly, the rest wrongly. */
async function quiz(who: Account, lesson: CreatedLesson, right: number, at: number) {
  const answers = Object.fromEntries(lesson.questionIds.map((q, i) => [q, i < right]));
  const r = await t.api('POST', '/api/v1/quiz-attempts', {
    token: who.token,
    body: {
      id: crypto.randomUUID(),
      courseId: course.id,
      lessonId: lesson.id,
      answers,
      submittedAt: iso(at),
    },
  });
  expect(r.status).toBe(201);
}

/*
 * Known data set. Required: Intro, Reading, Quiz A (weight 1, pass 50%), Quiz B (weight 3, pass 70%).
 * Optional: Bonus, Practice (ungraded quiz).
 *   Alice  all done, A 100, B 50 then 100          → completed, 100%, grade 100
 *   Bob    Intro, A 75, B 50, Practice passed        → active, 50%, grade (75 + 3×50)/4 = 56.25
 *   Carol  Intro, Reading, A 25                      → active, 50%, grade 25/4 = 6.25 (so far 25)
 *   Dan    nothing, enrolled 20 days ago             → active, 0%, grade 0
 *   Eve    Intro 30 days ago, then dropped           → dropped, 25%
 *   Frank  Intro, Reading, A 100, all 16 days ago    → active, 75%, grade 25
 */
beforeAll(async () => {
  t = await startTestServer();
  owner = await t.user('instructor', 'Olivia Owner');
  const pool = t.server.database.pool;
  course = await createCourse(pool, {
    ownerId: owner.id,
    title: 'Statistics 101',
    modules: [
      [{ title: 'Intro' }, { title: 'Reading', kind: 'text' }, { title: 'Bonus', required: false }],
      [
        { title: 'Quiz A', quiz: { weight: 1, passingPercent: 50, questions: tf(4) } },
        { title: 'Quiz B', quiz: { weight: 3, passingPercent: 70, questions: tf(4) } },
        { title: 'Practice', required: false, quiz: { graded: false, questions: tf(1) } },
      ],
    ],
  });
  for (const name of ['Alice', 'Bob', 'Carol', 'Dan', 'Eve', 'Frank'])
    people[name] = await t.user('student', name);
  const { Alice, Bob, Carol, Dan, Eve, Frank } = people as Record<string, Account>;
  for (const p of [Alice!, Bob!, Carol!, Eve!, Frank!])
    expect((await t.api('POST', `/api/v1/courses/${course.id}/enrollment`, { token: p.token })).status).toBe(
      201,
    );
  await enrollDirectly(pool, course.id, Dan!.id, { enrolledAt: new Date(Date.now() - 20 * DAY) });
  const L = (title: string) => course.lesson(title);

  await lessonDone(Alice!, L('Intro'), T);
  await lessonDone(Alice!, L('Reading'), T + MIN);
  await lessonDone(Alice!, L('Bonus'), T + 2 * MIN);
  await quiz(Alice!, L('Quiz A'), 4, T + 3 * MIN);
  await quiz(Alice!, L('Quiz B'), 2, T + 4 * MIN);
  await quiz(Alice!, L('Quiz B'), 4, T + 5 * MIN);

  await lessonDone(Bob!, L('Intro'), T);
  await quiz(Bob!, L('Quiz A'), 3, T + MIN);
  await quiz(Bob!, L('Quiz B'), 2, T + 2 * MIN);
  await quiz(Bob!, L('Practice'), 1, T + 3 * MIN);

  await lessonDone(Carol!, L('Intro'), T);
  await lessonDone(Carol!, L('Reading'), T + MIN);
  await quiz(Carol!, L('Quiz A'), 1, T + 2 * MIN);

  await lessonDone(Eve!, L('Intro'), Date.now() - 30 * DAY);
  expect(
    (await t.api('DELETE', `/api/v1/courses/${course.id}/enrollment`, { token: Eve!.token })).status,
  ).toBe(204);

  D16 = Math.floor((Date.now() - 16 * DAY - 3_600_000) / 1000) * 1000;
  await lessonDone(Frank!, L('Intro'), D16);
  await lessonDone(Frank!, L('Reading'), D16 + MIN);
  await quiz(Frank!, L('Quiz A'), 4, D16 + 2 * MIN);
});
afterAll(() => t.close());

const progressOf = async (who: Account) =>
  (
    await t.api<StudentCourseProgress>('GET', `/api/v1/me/courses/${course.id}/progress`, {
      token: who.token,
    })
  ).body;

describe('completion and grades', () => {
  it('completes the course once every required lesson is done and every graded quiz passed', async () => {
    const alice = await progressOf(people.Alice!);
    expect(alice).toMatchObject({
      status: 'completed',
      progressPercent: 100,
      completedLessons: 4,
      requiredLessons: 4,
      grade: 100,
      gradeSoFar: 100,
      nextLesson: null,
    });
    expect(alice.completedAt).not.toBeNull();
    expect(alice.lastActivityAt).toBe(iso(T + 5 * MIN));
    const enrollment = await t.api<Enrollment>('GET', `/api/v1/courses/${course.id}/enrollment`, {
      token: people.Alice!.token,
    });
    expect(enrollment.body.status).toBe('completed');
    // Bob passed the ungraded practice quiz and Quiz A but failed Quiz B: not complete.
    const bob = await progressOf(people.Bob!);
    expect(bob).toMatchObject({
      status: 'active',
      progressPercent: 50,
      completedLessons: 2,
      grade: 56.25,
      gradeSoFar: 56.25,
      completedAt: null,
    });
    expect(bob.nextLesson?.title).toBe('Reading');
    expect(bob.quizzes.map((q) => [q.title, q.bestPercent, q.passed, q.attempts])).toEqual([
      ['Quiz A', 75, true, 1],
      ['Quiz B', 50, false, 1],
      ['Practice', 100, true, 1],
    ]);
  });

  it('weights the course grade, counting unattempted graded quizzes as 0 (gradeSoFar ignores them)', async () => {
    expect(await progressOf(people.Carol!)).toMatchObject({
      grade: 6.25,
      gradeSoFar: 25,
      progressPercent: 50,
    });
    expect(await progressOf(people.Frank!)).toMatchObject({
      grade: 25,
      gradeSoFar: 100,
      progressPercent: 75,
    });
    expect(await progressOf(people.Dan!)).toMatchObject({
      grade: 0,
      gradeSoFar: null,
      progressPercent: 0,
      lastActivityAt: null,
    });
  });

  it('stays completed when the student leaves and comes back', async () => {
    const alice = people.Alice!;
    expect(
      (await t.api('DELETE', `/api/v1/courses/${course.id}/enrollment`, { token: alice.token })).status,
    ).toBe(204);
    const back = await t.api<Enrollment>('POST', `/api/v1/courses/${course.id}/enrollment`, {
      token: alice.token,
    });
    expect(back.status).toBe(201);
    expect(back.body.status).toBe('completed');
  });
});

describe('course report', () => {
  it('gives exact figures for the known data set', async () => {
    const r = await t.api<CourseReport>('GET', `/api/v1/courses/${course.id}/report`, { token: owner.token });
    expect(r.status).toBe(200);
    const rep = r.body;
    expect(rep.counts).toEqual({ enrolled: 6, active: 4, completed: 1, dropped: 1, refunded: 0 });
    expect(rep.completionRate).toBe(16.7);
    expect(rep.averageProgressPercent).toBe(55);
    expect(rep.medianProgressPercent).toBe(50);
    expect(rep.averageGrade).toBe(37.5);
    expect(rep.lessons.map((l) => [l.title, l.completedCount, l.completionRate])).toEqual([
      ['Intro', 4, 80],
      ['Reading', 3, 60],
      ['Bonus', 1, 20],
      ['Quiz A', 3, 60],
      ['Quiz B', 1, 20],
      ['Practice', 1, 20],
    ]);
    expect(
      rep.quizzes.map((q) => [
        q.title,
        q.graded,
        q.attempts,
        q.studentsAttempted,
        q.averagePercent,
        q.passRate,
      ]),
    ).toEqual([
      ['Quiz A', true, 4, 4, 75, 75],
      ['Quiz B', true, 3, 2, 75, 50],
      ['Practice', false, 1, 1, 100, 100],
    ]);
    expect(rep.struggling.map((s) => [s.name, s.reasons.map((x) => x.code)])).toEqual([
      ['Dan', ['behind', 'inactive']],
      ['Bob', ['failing_quiz']],
      ['Carol', ['failing_quiz']],
      ['Frank', ['inactive']],
    ]);
    expect(rep.struggling[1]!.reasons[0]!.message).toContain('Quiz B');
    expect(rep.struggling[3]!.reasons[0]!.message).toBe('No activity for 16 days');
    expect(rep.struggling[0]).toMatchObject({
      email: people.Dan!.email,
      progressPercent: 0,
      grade: 0,
      lastActivityAt: null,
    });
  });

  it("is for the course's instructors and admins only", async () => {
    const other = await t.user('instructor');
    const admin = await t.user('admin');
    expect(
      (await t.api<ErrorBody>('GET', `/api/v1/courses/${course.id}/report`, { token: other.token })).status,
    ).toBe(403);
    expect(
      (await t.api<ErrorBody>('GET', `/api/v1/courses/${course.id}/report`, { token: people.Bob!.token }))
        .status,
    ).toBe(403);
    expect((await t.api('GET', `/api/v1/courses/${course.id}/report`, { token: admin.token })).status).toBe(
      200,
    );
    expect(
      (await t.api('GET', `/api/v1/courses/${course.id}/gradebook.csv`, { token: other.token })).status,
    ).toBe(403);
  });

  it("lets the staff drill down into one student's progress", async () => {
    const bobPath = `/api/v1/courses/${course.id}/students/${people.Bob!.id}/progress`;
    const r = await t.api<StudentCourseProgress>('GET', bobPath, { token: owner.token });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(await progressOf(people.Bob!));
    expect((await t.api('GET', bobPath, { token: (await t.user('instructor')).token })).status).toBe(403);
    expect((await t.api('GET', bobPath, { token: people.Carol!.token })).status).toBe(403);
    const nobody = await t.api('GET', `/api/v1/courses/${course.id}/students/${owner.id}/progress`, {
      token: owner.token,
    });
    expect(nobody.status).toBe(404);
  });
});

describe('gradebook CSV', () => {
  it('has one row per student with progress, best quiz percents, grade and last activity', async () => {
    const r = await t.api<string>('GET', `/api/v1/courses/${course.id}/gradebook.csv`, {
      token: owner.token,
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="gradebook-statistics-101.csv"');
    const e = (n: string) => people[n]!.email;
    expect(r.body.split('\r\n')).toEqual([
      'Name,Email,Status,Progress %,Quiz A (best %),Quiz B (best %),Course grade,Last activity',
      `Alice,${e('Alice')},completed,100,100,100,100,${iso(T + 5 * MIN)}`,
      `Bob,${e('Bob')},active,50,75,50,56.25,${iso(T + 3 * MIN)}`,
      `Carol,${e('Carol')},active,50,25,,6.25,${iso(T + 2 * MIN)}`,
      `Dan,${e('Dan')},active,0,,,0,`,
      expect.stringMatching(new RegExp(`^Eve,${e('Eve').replace(/[.]/g, '\\.')},dropped,25,,,0,\\d{4}-`)),
      `Frank,${e('Frank')},active,75,100,,25,${iso(D16 + 2 * MIN)}`,
      '',
    ]);
  });

  it('quotes and neutralizes cells that spreadsheets would run as formulas', async () => {
    const pool = t.server.database.pool;
    const evil = await createCourse(pool, {
      ownerId: owner.id,
      title: 'Evil',
      modules: [[{ title: '+Quiz, "one"', quiz: { questions: tf(1) } }]],
    });
    const mallory = await t.user('student', '=HYPERLINK("http://evil.test","click")');
    const dash = await t.user('student', '-2+3');
    await enrollDirectly(pool, evil.id, mallory.id);
    await enrollDirectly(pool, evil.id, dash.id);
    const r = await t.api<string>('GET', `/api/v1/courses/${evil.id}/gradebook.csv`, { token: owner.token });
    const lines = r.body.split('\r\n');
    expect(lines[0]).toBe(
      `Name,Email,Status,Progress %,"'+Quiz, ""one"" (best %)",Course grade,Last activity`,
    );
    expect(lines).toContain(`'-2+3,${dash.email},active,0,,0,`);
    expect(lines).toContain(`"'=HYPERLINK(""http://evil.test"",""click"")",${mallory.email},active,0,,0,`);
  });
});
