import type pg from 'pg';
import type { CourseDetail, CourseStatus, CourseSummary } from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import type { Caller } from '../../http/route.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { canSee, viewerOf, type EnrollmentCheck } from './access.ts';
import type { TtlCache } from './cache.ts';
import { loadBundle, toDetail, type CourseBundle } from './detail.ts';
import { summaryColumns, toSummary, type SummaryRow } from './dto.ts';
import type { CatalogVersion } from './version.ts';

export interface ReadDeps {
  db: Db;
  pool: pg.Pool;
  enrollments: EnrollmentCheck;
  /** Whole courses by id, dropped on change. */
  bundles: TtlCache<CourseBundle | null>;
  version: Pick<CatalogVersion, 'poll'>;
}

export function courseReads({ db, pool, enrollments, bundles, version }: ReadDeps) {
  return {
    /** One course as the caller may see it (see toDetail for the rules); 404 when the caller may not see it at all. */
    async getCourse(caller: Caller | null, id: string): Promise<CourseDetail> {
      version.poll();
      const bundle = await bundles.get(id, () => loadBundle(db, id));
      if (!bundle) throw new ApiError('not_found', 'Course not found');
      const viewer = await viewerOf(db, enrollments, bundle.course, caller);
      if (!canSee(bundle.course, viewer)) throw new ApiError('not_found', 'Course not found');
      return toDetail(bundle, viewer);
    },

    /** Courses the user teaches, any status, most recently changed first. */
    async teaching(
      userId: string,
      query: { status?: CourseStatus; cursor?: string; limit: number },
    ): Promise<{ items: CourseSummary[]; nextCursor: string | null }> {
      const values: unknown[] = [userId];
      const where = ['c.id IN (SELECT ci.course_id FROM course_instructors ci WHERE ci.user_id = $1)'];
      if (query.status) {
        values.push(query.status);
        where.push(`c.status = $${values.length}`);
      }
      if (query.cursor) {
        const [at, id] = decodeCursor(query.cursor, 2);
        if (
          typeof at !== 'string' ||
          Number.isNaN(Date.parse(at)) ||
          typeof id !== 'string' ||
          !/^[0-9a-f-]{36}$/i.test(id)
        )
          throw new ApiError('validation_failed', 'The cursor is malformed', { field: 'cursor' });
        values.push(at, id);
        where.push(`(c.updated_at, c.id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
      }
      values.push(query.limit + 1);
      const rows = (
        await pool.query<SummaryRow>(
          `SELECT ${summaryColumns} FROM courses c WHERE ${where.join(' AND ')}
           ORDER BY c.updated_at DESC, c.id DESC LIMIT $${values.length}`,
          values,
        )
      ).rows;
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      return {
        items: page.map(toSummary),
        nextCursor:
          rows.length > query.limit && last ? encodeCursor([last.updatedAt.toISOString(), last.id]) : null,
      };
    },

    /** A keyset page of published course summaries in id order (the sync snapshot); `next` is the last id or null. */
    async publishedPage(
      after: string | null,
      limit: number,
    ): Promise<{ items: CourseSummary[]; next: string | null }> {
      const r = await pool.query<SummaryRow>(
        `SELECT ${summaryColumns} FROM courses c WHERE c.status = 'published' AND ($1::uuid IS NULL OR c.id > $1::uuid)
         ORDER BY c.id LIMIT $2`,
        [after, limit + 1],
      );
      const page = r.rows.slice(0, limit);
      return { items: page.map(toSummary), next: r.rows.length > limit ? page[page.length - 1]!.id : null };
    },
  };
}
export type CourseReads = ReturnType<typeof courseReads>;
