import type { CourseCreate } from '@lyceum/contracts';
import type { TestServer } from '../harness.ts';
import type { Account, CourseFixture, World } from './matrix.ts';

const courseBody = (n: number): CourseCreate => ({
  title: `Authorization walk course ${n}`,
  subject: 'Testing',
  description: 'A course the authorization test points its requests at.',
  modules: [
    {
      title: 'Only module',
      lessons: [
        {
          title: 'Reading',
          kind: 'text',
          durationMinutes: 5,
          isPreview: false,
          required: true,
          dueAt: null,
          body: 'Text',
        },
        {
          title: 'Practice',
          kind: 'quiz',
          durationMinutes: 5,
          isPreview: false,
          required: true,
          dueAt: null,
          body: '',
          quiz: {
            passingPercent: 50,
            attemptsAllowed: null,
            graded: true,
            weight: 1,
            deviceGradable: false,
            shuffle: false,
            questions: [
              {
                type: 'single_choice',
                prompt: 'Pick a',
                points: 1,
                feedback: {},
                options: [
                  { id: 'a', text: 'A' },
                  { id: 'b', text: 'B' },
                ],
                answer: { type: 'single_choice', optionId: 'a' },
              },
            ],
          },
        },
      ],
    },
  ],
});

/** The accounts and a published course (owned by `owner`, `student` enrolled) that every case points at. */
export async function courseWorld(t: TestServer): Promise<World> {
  const accounts = {
    student: await t.user('student', 'Enrolled Student'),
    otherStudent: await t.user('student', 'Other Student'),
    instructor: await t.user('instructor', 'Other Instructor'),
    owner: await t.user('instructor', 'Owning Instructor'),
    admin: await t.user('admin', 'Admin'),
  } satisfies Record<string, Account>;
  let n = 0;
  async function freshCourse(opts: { enrollStudent?: boolean } = {}): Promise<CourseFixture> {
    const { catalog, enrollment } = t.server;
    const created = await catalog.service.createCourse(accounts.owner.id, courseBody(++n));
    await catalog.service.publish(accounts.owner.id, created.id);
    if (opts.enrollStudent !== false) await enrollment.enroll(created.id, accounts.student.id);
    const lessons = created.modules[0]!.lessons;
    const quiz = lessons[1]!;
    return {
      id: created.id,
      lessonId: lessons[0]!.id,
      quizLessonId: quiz.id,
      questionId: quiz.quiz!.questions![0]!.id,
      correctOptionId: 'a',
    };
  }
  const course = await freshCourse();
  await t.server.catalog.ratings.rate(
    accounts.student.id,
    course.id,
    { stars: 4, review: 'Good' },
    { requireEnrollment: true },
  );
  return { t, accounts, course, freshCourse };
}
