import type pg from 'pg';
import type { CourseDetail, CourseSummary } from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';
import type { Caller } from '../../http/route.ts';
import type { EnrollmentCheck } from '../catalog/access.ts';
import { TtlCache } from '../catalog/cache.ts';
import type { CourseBundle } from '../catalog/detail.ts';
import { summaryColumns, toSummary, type SummaryRow } from '../catalog/dto.ts';
import { courseReads } from '../catalog/reads.ts';

/**
 * Catalog reads for sync, never from a cache. A pull reads an entity's state after the change it reports and the
 * client then moves its cursor past that change: a cached (older) state would stay on the device until the next change.
 * The catalog module's own read service, built with its caches off; and a keyset page of published summaries for the
 * snapshot (TODO(catalog): offer `publishedSummaries(after, limit)` in the catalog's service and drop this query).
 */
export function freshCatalog(db: Db, pool: pg.Pool, enrollments: EnrollmentCheck) {
  const reads = courseReads({
    db,
    pool,
    enrollments,
    bundles: new TtlCache<CourseBundle | null>(0),
    version: { poll: () => {} },
  });
  return {
    getCourse: (caller: Caller | null, id: string): Promise<CourseDetail> => reads.getCourse(caller, id),
    teaching: reads.teaching,
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
export type FreshCatalog = ReturnType<typeof freshCatalog>;
