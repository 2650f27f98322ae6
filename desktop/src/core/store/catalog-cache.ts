import { eq, sql } from 'drizzle-orm';
import { CourseDetail, CourseSummary } from '@lyceum/contracts';
import type { LocalDb } from './open.ts';
import { courseDetails, courseSummaries } from './tables.ts';

const priceCents = (s: CourseSummary) => s.price?.amountCents ?? 0;

export interface CachedDetail {
  course: CourseDetail;
  viewerId: string | null;
  syncedAt: string;
}

/** Writes and point reads of the cached catalog. Searching it is catalog-search.ts. */
export function catalogCache(db: LocalDb) {
  function indexText(rowid: number, s: CourseSummary, description: string): void {
    db.run(sql`DELETE FROM course_search WHERE rowid = ${rowid}`);
    db.run(sql`INSERT INTO course_search (rowid, title, topics, instructors, description)
      VALUES (${rowid}, ${s.title}, ${[s.subject, ...s.tags].join(' ')}, ${s.instructors.map((i) => i.name).join(' ')}, ${description})`);
  }

  function upsertSummary(s: CourseSummary, syncedAt: string, description?: string): void {
    const values = {
      status: s.status,
      title: s.title,
      subject: s.subject,
      language: s.language,
      type: s.type,
      level: s.level,
      priceCents: priceCents(s),
      durationMinutes: s.durationMinutes,
      ratingAvg: s.ratingAverage,
      enrollmentCount: s.enrollmentCount,
      publishedAt: s.publishedAt,
      tags: JSON.stringify(s.tags.map((t) => t.toLowerCase())),
      instructorIds: JSON.stringify(s.instructors.map((i) => i.id)),
      summaryJson: JSON.stringify(CourseSummary.parse(s)),
      syncedAt,
    };
    const row = db
      .insert(courseSummaries)
      .values({ id: s.id, ...values })
      .onConflictDoUpdate({ target: courseSummaries.id, set: values })
      .returning({ rowid: sql<number>`rowid` })
      .get();
    indexText(row.rowid, s, description ?? s.excerpt);
  }

  return {
    /** Cache summaries from a server answer, in one transaction. */
    putSummaries(items: CourseSummary[], syncedAt = new Date().toISOString()): void {
      db.transaction(() => {
        for (const s of items) upsertSummary(s, syncedAt);
      });
    },

    /** Cache a course detail; its summary (with the full description for text search) is refreshed too. */
    putDetail(course: CourseDetail, viewerId: string | null, syncedAt = new Date().toISOString()): void {
      db.transaction((tx) => {
        upsertSummary(CourseSummary.parse(course), syncedAt, course.description);
        const values = { viewerId, version: course.version, detailJson: JSON.stringify(course), syncedAt };
        tx.insert(courseDetails)
          .values({ id: course.id, ...values })
          .onConflictDoUpdate({ target: courseDetails.id, set: values })
          .run();
      });
    },

    getDetail(id: string): CachedDetail | null {
      const row = db.select().from(courseDetails).where(eq(courseDetails.id, id)).get();
      if (!row) return null;
      const course = CourseDetail.safeParse(JSON.parse(row.detailJson));
      return course.success ? { course: course.data, viewerId: row.viewerId, syncedAt: row.syncedAt } : null;
    },

    /** The server says the course is gone: drop it from the cache. */
    forget(id: string): void {
      db.transaction((tx) => {
        const row = tx
          .select({ rowid: sql<number>`rowid` })
          .from(courseSummaries)
          .where(eq(courseSummaries.id, id))
          .get();
        if (row) tx.run(sql`DELETE FROM course_search WHERE rowid = ${row.rowid}`);
        tx.delete(courseSummaries).where(eq(courseSummaries.id, id)).run();
        tx.delete(courseDetails).where(eq(courseDetails.id, id)).run();
      });
    },

    /** Details carry what one viewer may see (enrolment, unlocked lessons): dropped when that viewer signs out. */
    clearDetails(): void {
      db.delete(courseDetails).run();
    },

    counts(): { published: number; lastSyncedAt: string | null } {
      const r = db
        .select({ n: sql<number>`count(*)`, last: sql<string | null>`max(${courseSummaries.syncedAt})` })
        .from(courseSummaries)
        .where(eq(courseSummaries.status, 'published'))
        .get();
      return { published: r?.n ?? 0, lastSyncedAt: r?.last ?? null };
    },
  };
}
export type CatalogCache = ReturnType<typeof catalogCache>;
