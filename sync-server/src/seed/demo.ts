import { uuidv7 } from 'uuidv7';
import type { CourseDetail, QuestionView } from '@lyceum/contracts';
import type { LyceumServer } from '../app.ts';
import { courseInput, courseSpecs } from './courses.ts';
import { attachDemoMedia, makeDemoClips } from './media.ts';

export interface DemoLogin {
  role: 'admin' | 'instructor' | 'student';
  name: string;
  email: string;
  password: string;
}

const password = 'Learn-Offline-2026';

/** The demo accounts created on first start; printed by `npm start`. */
export const demoLogins: DemoLogin[] = [
  { role: 'admin', name: 'Alex Admin', email: 'admin@lyceum.demo', password },
  { role: 'instructor', name: 'Ada Byron', email: 'ada@lyceum.demo', password },
  { role: 'instructor', name: 'Grace Hopper', email: 'grace@lyceum.demo', password },
  { role: 'student', name: 'Sam Student', email: 'sam@lyceum.demo', password },
  { role: 'student', name: 'Lee Learner', email: 'lee@lyceum.demo', password },
  { role: 'student', name: 'Kim Scholar', email: 'kim@lyceum.demo', password },
];

/** Which demo student studies which courses (by title), and how far they got. */
const studyPlan: {
  student: string;
  title: string;
  lessonsDone: number;
  quiz: 'pass' | 'fail' | 'none';
  stars?: number;
}[] = [
  {
    student: 'sam@lyceum.demo',
    title: 'Python for Absolute Beginners',
    lessonsDone: 99,
    quiz: 'pass',
    stars: 5,
  },
  { student: 'sam@lyceum.demo', title: 'JavaScript Fundamentals', lessonsDone: 3, quiz: 'none', stars: 4 },
  { student: 'sam@lyceum.demo', title: 'Algebra Refresher', lessonsDone: 1, quiz: 'none' },
  { student: 'sam@lyceum.demo', title: 'Introduction to Biology', lessonsDone: 4, quiz: 'fail' },
  {
    student: 'lee@lyceum.demo',
    title: 'Python for Absolute Beginners',
    lessonsDone: 2,
    quiz: 'none',
    stars: 4,
  },
  { student: 'lee@lyceum.demo', title: 'Español para principiantes', lessonsDone: 5, quiz: 'pass', stars: 5 },
  { student: 'lee@lyceum.demo', title: 'Principles of Visual Design', lessonsDone: 0, quiz: 'none' },
  {
    student: 'kim@lyceum.demo',
    title: 'Introduction to Data Science',
    lessonsDone: 3,
    quiz: 'fail',
    stars: 3,
  },
  {
    student: 'kim@lyceum.demo',
    title: 'Music Theory for Songwriters',
    lessonsDone: 6,
    quiz: 'pass',
    stars: 5,
  },
];

/** An answer for a question: the key's answer when right, something else when not. */
function answerFor(q: QuestionView, right: boolean): string | string[] | boolean | number {
  const key = q.answer!;
  switch (key.type) {
    case 'single_choice':
      return right ? key.optionId : (q.options.find((o) => o.id !== key.optionId)?.id ?? 'x');
    case 'multiple_choice':
      return right ? key.optionIds : [];
    case 'true_false':
      return right ? key.value : !key.value;
    case 'short_answer':
      return right ? key.accepted[0]! : 'no idea';
    case 'numeric':
      return right ? key.value : key.value + 1000;
  }
}

export interface SeedOptions {
  /** Titles of the demo courses to create (default: every one); study history of other courses is left out. */
  courses?: readonly string[];
  /**
   * Demo media (default on): a short video made by ffmpeg for every video lesson, uploaded and queued for HLS
   * packaging like an instructor's upload (the server's media worker packages them once it listens), and a PDF
   * for every slides lesson.
   */
  media?: boolean;
}

/**
 * Create the demo data through the modules' own services (so every rule applies) when the database has no
 * users yet: an admin, two instructors, three students, 25 courses (24 published) with their videos and slides,
 * and some study history.
 */
export async function seedDemoIfEmpty(server: LyceumServer, opts: SeedOptions = {}): Promise<boolean> {
  const { rows } = await server.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  if ((rows[0]?.n ?? 0) > 0) return false;
  const specs = opts.courses ? courseSpecs.filter((s) => opts.courses!.includes(s.title)) : courseSpecs;
  // The clips are made while the courses are created (ffmpeg in its own process).
  const clips = opts.media === false ? null : makeDemoClips();
  clips?.catch(() => undefined);
  const { accounts } = server.identity;
  const ids = new Map<string, string>();
  for (const d of demoLogins) {
    const u = await accounts.createUser({ email: d.email, password: d.password, name: d.name, role: d.role });
    ids.set(d.email, u.id);
  }
  const admin = ids.get('admin@lyceum.demo')!;
  const owners = [ids.get('ada@lyceum.demo')!, ids.get('grace@lyceum.demo')!];
  const courses = new Map<string, CourseDetail>();
  const ownerOf = new Map<string, string>();
  for (const spec of specs) {
    const prereqs = (spec.after ?? [])
      .map((t) => courses.get(t)?.id)
      .filter((id): id is string => Boolean(id));
    const created = await server.catalog.service.createCourse(owners[spec.by]!, courseInput(spec, prereqs));
    // The demo's videos and slides are attached below (when they can be made): publish without waiting for them.
    if (!spec.draft)
      await server.catalog.service.publish(owners[spec.by]!, created.id, { requireMedia: false });
    // Re-read as an admin so quiz answer keys are at hand for the study history below.
    courses.set(spec.title, await server.catalog.service.getCourse({ id: admin, role: 'admin' }, created.id));
    ownerOf.set(created.id, owners[spec.by]!);
  }
  const media = { videos: 0, slides: 0, mediaMs: 0 };
  if (clips) {
    const started = Date.now();
    try {
      const made = await clips;
      for (const course of courses.values()) {
        const n = await attachDemoMedia(server, course, ownerOf.get(course.id)!, made);
        media.videos += n.videos;
        media.slides += n.slides;
      }
    } catch (err) {
      server.logger.warn({ err }, 'demo media could not be made; the demo lessons have no videos or slides');
    }
    media.mediaMs = Date.now() - started;
  }
  for (const plan of studyPlan) {
    const course = courses.get(plan.title);
    if (!course) continue;
    const userId = ids.get(plan.student)!;
    await server.enrollment.enroll(course.id, userId);
    const lessons = course.modules.flatMap((m) => m.lessons);
    let done = 0;
    for (const lesson of lessons) {
      if (lesson.kind === 'quiz') {
        if (plan.quiz === 'none' || !lesson.quiz?.questions) continue;
        const answers = Object.fromEntries(
          lesson.quiz.questions.map((q) => [q.id, answerFor(q, plan.quiz === 'pass')]),
        );
        await server.progress.submitQuizAttempt(userId, {
          id: uuidv7(),
          courseId: course.id,
          lessonId: lesson.id,
          answers,
          submittedAt: new Date().toISOString(),
        });
        continue;
      }
      if (done >= plan.lessonsDone) continue;
      done += 1;
      const seconds = lesson.durationMinutes * 60;
      await server.progress.record(userId, {
        id: uuidv7(),
        courseId: course.id,
        lessonId: lesson.id,
        positionSeconds: seconds,
        watchedIntervals: lesson.kind === 'video' ? [[0, seconds]] : undefined,
        completed: true,
        occurredAt: new Date(Date.now() - (lessons.length - done) * 3_600_000).toISOString(),
      });
    }
    if (plan.stars) {
      await server.catalog.ratings.rate(
        userId,
        course.id,
        { stars: plan.stars, review: plan.stars >= 5 ? 'Loved it: clear and practical.' : 'Good course.' },
        { requireEnrollment: true },
      );
    }
  }
  server.logger.info({ users: demoLogins.length, courses: courses.size, ...media }, 'demo data created');
  return true;
}
