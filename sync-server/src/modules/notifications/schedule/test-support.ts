import type pg from 'pg';
import type { CourseDetail } from '@lyceum/contracts';

/** What the schedule tests need from a server: its API (a TestServer's `api`, or fetch against a process). */
export type Api = <T = unknown>(
  method: string,
  p: string,
  opts?: { token?: string; body?: unknown },
) => Promise<{ status: number; body: T }>;

export interface LessonPlan {
  title: string;
  dueAt?: Date | null;
  releaseAt?: Date | null;
}

/** An instructor's published text-lesson course, through the catalog's write path (so its jobs are scheduled). */
export async function publishedCourse(
  api: Api,
  instructorToken: string,
  lessons: LessonPlan[],
): Promise<CourseDetail> {
  const created = await api<CourseDetail>('POST', '/api/v1/courses', {
    token: instructorToken,
    body: {
      title: `Scheduled course ${Math.random().toString(36).slice(2, 8)}`,
      subject: 'Testing',
      modules: [
        {
          title: 'Week 1',
          lessons: lessons.map((l) => ({
            title: l.title,
            kind: 'text',
            body: `About ${l.title}`,
            dueAt: l.dueAt ? l.dueAt.toISOString() : null,
            releaseAt: l.releaseAt ? l.releaseAt.toISOString() : null,
          })),
        },
      ],
    },
  });
  if (created.status !== 201)
    throw new Error(`create course: ${created.status} ${JSON.stringify(created.body)}`);
  const published = await api<CourseDetail>('POST', `/api/v1/courses/${created.body.id}/publish`, {
    token: instructorToken,
  });
  if (published.status !== 200)
    throw new Error(`publish: ${published.status} ${JSON.stringify(published.body)}`);
  return published.body;
}

/**
 * Set lesson dates on a course through PATCH (the catalog's write path that schedules their jobs). `dates` by lesson
 * title; lessons keep their ids.
 */
export async function setLessonDates(
  api: Api,
  token: string,
  course: CourseDetail,
  dates: Record<string, { dueAt?: Date | null; releaseAt?: Date | null }>,
): Promise<void> {
  // The edit is based on the course as it is now (version is required).
  const current = await api<CourseDetail>('GET', `/api/v1/courses/${course.id}`, { token });
  const r = await api('PATCH', `/api/v1/courses/${course.id}`, {
    token,
    body: {
      version: current.body.version,
      modules: course.modules.map((m) => ({
        id: m.id,
        title: m.title,
        lessons: m.lessons.map((l) => ({
          id: l.id,
          title: l.title,
          kind: l.kind,
          body: l.body ?? '',
          dueAt: dates[l.title]?.dueAt?.toISOString() ?? l.dueAt,
          releaseAt: dates[l.title]?.releaseAt?.toISOString() ?? l.releaseAt ?? null,
        })),
      })),
    },
  });
  if (r.status !== 200) throw new Error(`PATCH course: ${r.status} ${JSON.stringify(r.body)}`);
}

/** Inbox rows of a dedupe key pattern (SQL LIKE), per user. */
export async function inboxRows(
  pool: Pick<pg.Pool, 'query'>,
  like: string,
): Promise<{ user_id: string; dedupe_key: string; type: string; title: string }[]> {
  const r = await pool.query<{ user_id: string; dedupe_key: string; type: string; title: string }>(
    'SELECT user_id, dedupe_key, type, title FROM notifications WHERE dedupe_key LIKE $1 ORDER BY dedupe_key, user_id',
    [like],
  );
  return r.rows;
}

/** Poll until `check` returns a value that is not undefined (or fail after `ms`). */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  ms = 20_000,
  what = 'condition',
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
