import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseDetail, DeadlineList } from '@lyceum/contracts';
import { createCourse, enrollDirectly } from '../../../../test/factories.ts';
import { startTestServer, type TestServer } from '../../../../test/harness.ts';
import { Replica } from '../../sync/test-support.ts';
import { eventually, inboxRows, publishedCourse, setLessonDates } from './test-support.ts';

const HOUR = 3_600_000;
let t: TestServer;

beforeAll(async () => {
  // The scheduler is off in the harness by default; these tests drive it.
  t = await startTestServer({ SCHEDULER: 'on', SCHEDULER_POLL_MS: '100' });
});
afterAll(() => t.close());

interface Plan {
  title: string;
  /** Due this many ms after the dates are set (after the students enrolled). */
  dueIn?: number;
  releaseIn?: number;
}

/** A published course, students enrolled, then the lessons' dates set by PATCH (which schedules their jobs). */
async function classroom(
  lessons: Plan[],
  students = 2,
  /** Before the dates are set (and the jobs scheduled). */
  prepare?: (c: { courseId: string; lessonIds: string[]; students: { id: string }[] }) => Promise<void>,
) {
  const teacher = await t.user('instructor');
  const course = await publishedCourse(
    t.api,
    teacher.token,
    lessons.map((l) => ({ title: l.title })),
  );
  const enrolled = [];
  for (let i = 0; i < students; i++) {
    const s = await t.user('student');
    const r = await t.api('POST', `/api/v1/courses/${course.id}/enrollment`, { token: s.token });
    expect(r.status).toBe(201);
    enrolled.push(s);
  }
  await prepare?.({
    courseId: course.id,
    lessonIds: course.modules[0]!.lessons.map((l) => l.id),
    students: enrolled,
  });
  const now = Date.now();
  const dates: Record<string, { dueAt?: Date; releaseAt?: Date }> = {};
  for (const l of lessons)
    dates[l.title] = {
      ...(l.dueIn !== undefined ? { dueAt: new Date(now + l.dueIn) } : {}),
      ...(l.releaseIn !== undefined ? { releaseAt: new Date(now + l.releaseIn) } : {}),
    };
  await setLessonDates(t.api, teacher.token, course, dates);
  const lessonIds = course.modules[0]!.lessons.map((l) => l.id);
  return { teacher, course, students: enrolled, lessonIds, dates };
}

const lessonTitles = (d: CourseDetail) => d.modules.flatMap((m) => m.lessons.map((l) => l.title));

describe('scheduled releases', () => {
  it('hide a lesson from students until its time, then content_released once per student', async () => {
    const { teacher, course, students, dates } = await classroom([
      { title: 'Open now' },
      { title: 'Later', releaseIn: 6000 },
    ]);
    const releaseAt = dates.Later!.releaseAt!;
    const [a, b] = students;
    const asStudent = await t.api<CourseDetail>('GET', `/api/v1/courses/${course.id}`, { token: a!.token });
    expect(lessonTitles(asStudent.body)).toEqual(['Open now']);
    const asTeacher = await t.api<CourseDetail>('GET', `/api/v1/courses/${course.id}`, {
      token: teacher.token,
    });
    const later = asTeacher.body.modules[0]!.lessons[1]!;
    expect(later.title).toBe('Later');
    expect(later.releaseAt).toBe(releaseAt.toISOString());
    expect(await inboxRows(t.server.database.pool, `release:${later.id}`)).toEqual([]);
    // A synced device has the course without the lesson.
    const device = new Replica(t, a!.token);
    await device.sync();
    expect(lessonTitles(device.get<CourseDetail>('course_detail', course.id)!)).toEqual(['Open now']);

    const rows = await eventually(
      async () => {
        const r = await inboxRows(t.server.database.pool, `release:${later.id}`);
        return r.length === 2 ? r : undefined;
      },
      20_000,
      'content_released',
    );
    expect(Date.now()).toBeGreaterThanOrEqual(releaseAt.getTime());
    expect(rows.map((r) => r.user_id).sort()).toEqual([a!.id, b!.id].sort());
    expect(rows.every((r) => r.type === 'content_released')).toBe(true);
    const after = await t.api<CourseDetail>('GET', `/api/v1/courses/${course.id}`, { token: a!.token });
    expect(lessonTitles(after.body)).toEqual(['Open now', 'Later']);
    expect(after.body.modules[0]!.lessons[1]!.releaseAt).toBeUndefined();
    // …and gets it with its next pull: the release touched the lesson.
    await device.sync();
    expect(lessonTitles(device.get<CourseDetail>('course_detail', course.id)!)).toEqual([
      'Open now',
      'Later',
    ]);
  });

  it('a moved release time moves the job: nothing at the old time, the release at the new one', async () => {
    const { teacher, course, students } = await classroom([{ title: 'Moved', releaseIn: 6000 }], 1);
    const detail = (
      await t.api<CourseDetail>('GET', `/api/v1/courses/${course.id}`, { token: teacher.token })
    ).body;
    const lesson = detail.modules[0]!.lessons[0]!;
    const newTime = new Date(Date.now() + 60 * 60_000);
    const r = await t.api('PATCH', `/api/v1/courses/${course.id}`, {
      token: teacher.token,
      body: {
        version: detail.version,
        modules: [
          {
            id: detail.modules[0]!.id,
            title: 'Week 1',
            lessons: [
              { id: lesson.id, title: 'Moved', kind: 'text', body: 'x', releaseAt: newTime.toISOString() },
            ],
          },
        ],
      },
    });
    expect(r.status).toBe(200);
    // Past the old time (6 s after it was set), with the scheduler polling every 100 ms.
    await new Promise((res) => setTimeout(res, 7000));
    expect(await inboxRows(t.server.database.pool, `release:${lesson.id}`)).toEqual([]);
    const s = await t.api<CourseDetail>('GET', `/api/v1/courses/${course.id}`, { token: students[0]!.token });
    expect(lessonTitles(s.body)).toEqual([]);
    const job = await t.server.database.pool.query<{ run_at: Date }>(
      `SELECT run_at FROM graphile_worker.jobs WHERE key = $1`,
      [`release:${lesson.id}`],
    );
    expect(job.rows[0]?.run_at.toISOString()).toBe(newTime.toISOString());
  });
});

describe('deadline reminders', () => {
  it('24 h and 1 h before, once each, only to enrolled students who have not completed the lesson', async () => {
    // Due in an hour and 2 s: the 24 h reminder is due at once, the 1 h one in 2 s.
    const { students, lessonIds, dates } = await classroom([{ title: 'Essay', dueIn: HOUR + 2000 }], 3, (c) =>
      t.server.database.pool
        .query(
          `INSERT INTO lesson_progress (user_id, course_id, lesson_id, completed, completed_at, last_activity_at)
           VALUES ($1, $2, $3, true, now(), now())`,
          [c.students[2]!.id, c.courseId, c.lessonIds[0]],
        )
        .then(() => {}),
    );
    const dueAt = dates.Essay!.dueAt!;
    const [a, b] = students;
    const lessonId = lessonIds[0]!;
    const rows = await eventually(
      async () => {
        const r = await inboxRows(t.server.database.pool, `deadline:${lessonId}:%`);
        if (Date.now() % 50 < 5)
          console.log(
            r.length,
            JSON.stringify(
              (
                await t.server.database.pool.query(
                  'SELECT key, run_at, attempts, last_error FROM graphile_worker.jobs',
                )
              ).rows,
            ),
          );
        return r.length === 4 ? r : undefined;
      },
      20_000,
      'both reminders',
    );
    const expected = [a!, b!].flatMap((s) => [
      `deadline:${lessonId}:${s.id}:1h`,
      `deadline:${lessonId}:${s.id}:24h`,
    ]);
    expect(rows.map((r) => r.dedupe_key).sort()).toEqual(expected.sort());
    expect(rows.every((r) => r.type === 'deadline_upcoming')).toBe(true);
    // Running a job again (a retry, a second node) delivers nothing new.
    await t.server.database.pool.query(
      `SELECT graphile_worker.add_job('deadline_reminder', json_build_object('lessonId', $1::uuid, 'before', '1h', 'dueAt', $2::timestamptz), job_key := 'again:' || $1)`,
      [lessonId, dueAt],
    );
    await eventually(
      async () => {
        const r = await t.server.database.pool.query(`SELECT 1 FROM graphile_worker.jobs WHERE key = $1`, [
          `again:${lessonId}`,
        ]);
        return r.rows.length === 0 ? true : undefined;
      },
      10_000,
      'the repeated job to run',
    );
    expect(await inboxRows(t.server.database.pool, `deadline:${lessonId}:%`)).toHaveLength(4);
  });

  it('after downtime: a reminder that came due is sent once on restart; one whose deadline passed is not sent', async () => {
    await t.server.schedule.stop();
    try {
      const { students, lessonIds, dates } = await classroom(
        [
          { title: 'Passed while down', dueIn: 1500 },
          { title: 'Still ahead', dueIn: 2 * HOUR },
        ],
        1,
      );
      const soon = dates['Passed while down']!.dueAt!;
      await new Promise((r) => setTimeout(r, 2000));
      expect(Date.now()).toBeGreaterThan(soon.getTime());
      await t.server.schedule.start();
      const rows = await eventually(
        async () => {
          const r = await inboxRows(t.server.database.pool, `deadline:${lessonIds[1]}:%`);
          return r.length ? r : undefined;
        },
        20_000,
        'the 24 h reminder',
      );
      expect(rows.map((r) => r.dedupe_key)).toEqual([`deadline:${lessonIds[1]}:${students[0]!.id}:24h`]);
      await eventually(
        async () => {
          const r = await t.server.database.pool.query(
            `SELECT 1 FROM graphile_worker.jobs WHERE key LIKE $1`,
            [`deadline:${lessonIds[0]}:%`],
          );
          return r.rows.length === 0 ? true : undefined;
        },
        10_000,
        'the passed reminders to be dropped',
      );
      expect(await inboxRows(t.server.database.pool, `deadline:${lessonIds[0]}:%`)).toEqual([]);
    } finally {
      await t.server.schedule.start();
    }
  });
});

describe('lessons written without jobs (an upgraded deployment)', () => {
  it('get their upcoming reminders and releases when the scheduler starts', async () => {
    const owner = await t.user('instructor');
    const student = await t.user('student');
    // Written with SQL, past the catalog's write path: no jobs exist for it.
    const course = await createCourse(t.server.database.pool, {
      ownerId: owner.id,
      status: 'published',
      modules: [
        [
          { title: 'Old essay', kind: 'text' },
          { title: 'Old bonus', kind: 'text' },
        ],
      ],
    });
    await enrollDirectly(t.server.database.pool, course.id, student.id);
    const essay = course.lesson('Old essay').id;
    const bonus = course.lesson('Old bonus').id;
    await t.server.schedule.stop();
    await t.server.database.pool.query(
      `UPDATE lessons SET due_at = now() + interval '1 hour 2 seconds' WHERE id = $1`,
      [essay],
    );
    await t.server.database.pool.query(
      `UPDATE lessons SET release_at = now() + interval '2 seconds' WHERE id = $1`,
      [bonus],
    );
    await t.server.schedule.start();
    const rows = await eventually(
      async () => {
        const r = [
          ...(await inboxRows(t.server.database.pool, `deadline:${essay}:%`)),
          ...(await inboxRows(t.server.database.pool, `release:${bonus}`)),
        ];
        return r.length === 2 ? r : undefined;
      },
      20_000,
      'the planned jobs',
    );
    expect(rows.map((r) => r.dedupe_key).sort()).toEqual([
      `deadline:${essay}:${student.id}:1h`,
      `release:${bonus}`,
    ]);
  });
});

describe('GET /api/v1/me/deadlines', () => {
  it('lists released due lessons of my courses soonest first, overdue and completed marked', async () => {
    const { course, students, lessonIds } = await classroom(
      [
        { title: 'Far', dueIn: 72 * HOUR },
        { title: 'Overdue', dueIn: -2 * HOUR },
        { title: 'Soon', dueIn: 3 * HOUR },
        { title: 'Hidden', dueIn: 3 * HOUR, releaseIn: HOUR },
        { title: 'No date' },
      ],
      1,
    );
    const me = students[0]!;
    await t.server.database.pool.query(
      `INSERT INTO lesson_progress (user_id, course_id, lesson_id, completed, completed_at, last_activity_at)
       VALUES ($1, $2, $3, true, now(), now())`,
      [me.id, course.id, lessonIds[2]],
    );
    const r = await t.api<DeadlineList>('GET', '/api/v1/me/deadlines', { token: me.token });
    expect(r.status).toBe(200);
    expect(r.body.items.map((d) => [d.lessonTitle, d.overdue, d.completed])).toEqual([
      ['Overdue', true, false],
      ['Soon', false, true],
      ['Far', false, false],
    ]);
    expect(r.body.items[0]!.url).toBe(`/learn/${course.id}/lessons/${lessonIds[1]}`);
    const window = await t.api<DeadlineList>(
      'GET',
      `/api/v1/me/deadlines?from=${encodeURIComponent(new Date().toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 24 * HOUR).toISOString())}`,
      { token: me.token },
    );
    expect(window.body.items.map((d) => d.lessonTitle)).toEqual(['Soon']);
    const other = await t.user('student');
    expect(
      (await t.api<DeadlineList>('GET', '/api/v1/me/deadlines', { token: other.token })).body.items,
    ).toEqual([]);
  });

  it('refuses a reversed or too wide window and bad dates with 400', async () => {
    const s = await t.user('student');
    for (const q of [
      'from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      'from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      'from=yesterday',
      'until=2026-01-01T00:00:00Z',
    ]) {
      const r = await t.api<{ error: { code: string } }>('GET', `/api/v1/me/deadlines?${q}`, {
        token: s.token,
      });
      expect(r.status, q).toBe(400);
      expect(r.body.error.code, q).toBe('validation_failed');
    }
  });
});
