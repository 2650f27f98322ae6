import { and, desc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { RatingInput, type CourseRating, type RatingList } from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import type { Caller } from '../../http/route.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { platformEvents, recordPlatformEvent } from '../analytics/collector/sources/outbox.ts';
import {
  canSee,
  loadCourseRow,
  parseInput,
  viewerOf,
  type EnrollmentCheck,
  type UserDirectory,
} from './access.ts';
import { round2 } from './dto.ts';
import type { Tx } from './structure.ts';
import { nowMs } from './sqlutil.ts';
import { courseRatings, courses, type CourseRow } from './tables.ts';

export interface RatingDeps {
  db: Db;
  users: UserDirectory;
  enrollments: EnrollmentCheck;
  changed: (courseId: string) => void;
}

type RatingRow = typeof courseRatings.$inferSelect;

const notFound = () => new ApiError('not_found', 'Course not found');

export function ratingService({ db, users, enrollments, changed }: RatingDeps) {
  const toRating = (r: RatingRow, userName: string): CourseRating => ({
    courseId: r.courseId,
    userId: r.userId,
    userName,
    stars: r.stars,
    review: r.review,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  });

  async function nameOf(userId: string): Promise<string> {
    return (await users.namesByIds([userId])).get(userId) ?? '';
  }

  /** Average and count live on the course; recomputed under the course's row lock so concurrent ratings cannot race. */
  async function recompute(tx: Tx, courseId: string): Promise<void> {
    await tx.execute(sql`
      UPDATE courses c SET
        rating_avg = COALESCE((SELECT avg(r.stars) FROM course_ratings r WHERE r.course_id = c.id), 0),
        rating_count = (SELECT count(*) FROM course_ratings r WHERE r.course_id = c.id)
      WHERE c.id = ${courseId}`);
  }

  const lockCourse = (tx: Tx, courseId: string) =>
    tx.select({ id: courses.id }).from(courses).where(eq(courses.id, courseId)).for('update');

  /** Ratable: published or archived (students keep archived courses); drafts have no students. */
  async function ratableCourse(courseId: string): Promise<CourseRow> {
    const course = await loadCourseRow(db, courseId);
    if (!course || course.status === 'draft') throw notFound();
    return course;
  }

  async function write(
    userId: string,
    courseId: string,
    input: z.input<typeof RatingInput>,
    mode: 'create' | 'upsert',
    requireEnrollment: boolean,
  ): Promise<CourseRating> {
    const body = parseInput(RatingInput, input);
    await ratableCourse(courseId);
    if (requireEnrollment && !(await enrollments.isEnrolled(courseId, userId)))
      throw new ApiError('not_enrolled', 'Only students enrolled in this course may rate it');
    const row = await db.transaction(async (tx) => {
      await lockCourse(tx, courseId);
      const values = {
        courseId,
        userId,
        stars: body.stars,
        review: body.review,
        createdAt: nowMs,
        updatedAt: nowMs,
      };
      const insert = tx.insert(courseRatings).values(values);
      const [r] =
        mode === 'create'
          ? await insert.onConflictDoNothing().returning()
          : await insert
              .onConflictDoUpdate({
                target: [courseRatings.courseId, courseRatings.userId],
                set: { stars: body.stars, review: body.review, updatedAt: nowMs },
              })
              .returning();
      if (!r)
        throw new ApiError('already_rated', 'You rated this course already; change your rating with PUT');
      await recompute(tx, courseId);
      // The analytics platform event, committed with the rating (transactional outbox).
      await recordPlatformEvent(tx, platformEvents.rated(userId, courseId, body.stars));
      return r;
    });
    changed(courseId);
    return toRating(row, await nameOf(userId));
  }

  return {
    /** A first rating (409 already_rated for a second one). In-process callers may skip the enrollment check (demo seed). */
    rate: (
      userId: string,
      courseId: string,
      input: z.input<typeof RatingInput>,
      opts: { requireEnrollment?: boolean } = {},
    ) => write(userId, courseId, input, 'create', opts.requireEnrollment ?? true),

    /** Create or replace the caller's rating. */
    putRating: (
      userId: string,
      courseId: string,
      input: z.input<typeof RatingInput>,
      opts: { requireEnrollment?: boolean } = {},
    ) => write(userId, courseId, input, 'upsert', opts.requireEnrollment ?? true),

    async removeRating(userId: string, courseId: string): Promise<void> {
      await ratableCourse(courseId);
      const removed = await db.transaction(async (tx) => {
        await lockCourse(tx, courseId);
        const rows = await tx
          .delete(courseRatings)
          .where(and(eq(courseRatings.courseId, courseId), eq(courseRatings.userId, userId)))
          .returning({ u: courseRatings.userId });
        if (rows.length) await recompute(tx, courseId);
        return rows.length > 0;
      });
      if (!removed) throw new ApiError('not_found', 'You have not rated this course');
      changed(courseId);
    },

    async myRating(userId: string, courseId: string): Promise<CourseRating> {
      await ratableCourse(courseId);
      const [r] = await db
        .select()
        .from(courseRatings)
        .where(and(eq(courseRatings.courseId, courseId), eq(courseRatings.userId, userId)));
      if (!r) throw new ApiError('not_found', 'You have not rated this course');
      return toRating(r, await nameOf(userId));
    },

    /** Ratings of a course the caller can see, newest first, with the average, count and star distribution. */
    async list(
      caller: Caller | null,
      courseId: string,
      query: { cursor?: string; limit: number },
    ): Promise<RatingList> {
      const course = await loadCourseRow(db, courseId);
      if (!course) throw notFound();
      if (course.status !== 'published' && !canSee(course, await viewerOf(db, enrollments, course, caller)))
        throw notFound();
      const where = [eq(courseRatings.courseId, courseId)];
      if (query.cursor) {
        const [at, userId] = decodeCursor(query.cursor, 2);
        if (
          typeof at !== 'string' ||
          Number.isNaN(Date.parse(at)) ||
          typeof userId !== 'string' ||
          !/^[0-9a-f-]{36}$/i.test(userId)
        )
          throw new ApiError('validation_failed', 'The cursor is malformed', { field: 'cursor' });
        where.push(
          sql`(${courseRatings.createdAt}, ${courseRatings.userId}) < (${at}::timestamptz, ${userId}::uuid)`,
        );
      }
      const [rows, dist] = await Promise.all([
        db
          .select()
          .from(courseRatings)
          .where(and(...where))
          .orderBy(desc(courseRatings.createdAt), desc(courseRatings.userId))
          .limit(query.limit + 1),
        db
          .select({ stars: courseRatings.stars, n: sql<number>`count(*)::int` })
          .from(courseRatings)
          .where(eq(courseRatings.courseId, courseId))
          .groupBy(courseRatings.stars),
      ]);
      const page = rows.slice(0, query.limit);
      const names = await users.namesByIds([...new Set(page.map((r) => r.userId))]);
      const distribution = [0, 0, 0, 0, 0];
      for (const d of dist) distribution[d.stars - 1] = d.n;
      const last = page[page.length - 1];
      return {
        items: page.map((r) => toRating(r, names.get(r.userId) ?? '')),
        nextCursor:
          rows.length > query.limit && last
            ? encodeCursor([last.createdAt.toISOString(), last.userId])
            : null,
        average: round2(course.ratingAvg),
        count: course.ratingCount,
        distribution,
      };
    },
  };
}
export type RatingService = ReturnType<typeof ratingService>;
