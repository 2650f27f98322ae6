import type { CourseSummary } from '@lyceum/contracts';
import type { CourseRow, InstructorJson } from './tables.ts';

export const EXCERPT_LENGTH = 240;

/** The columns a summary needs, as the listing queries select them. */
export interface SummaryRow {
  id: string;
  title: string;
  /** The description, or at least its first EXCERPT_LENGTH + 1 characters. */
  excerpt: string;
  subject: string;
  tags: string[];
  level: CourseSummary['level'];
  type: CourseSummary['type'];
  language: string;
  status: CourseSummary['status'];
  priceCents: number;
  currency: string | null;
  instructors: InstructorJson[];
  durationMinutes: number;
  lessonCount: number;
  ratingAvg: number;
  ratingCount: number;
  enrollmentCount: number;
  coverImageUrl: string | null;
  publishedAt: Date | null;
  updatedAt: Date;
}

/** SQL select list (table alias c) producing a SummaryRow. */
export const summaryColumns = `c.id, c.title, left(c.description, ${EXCERPT_LENGTH + 1}) AS excerpt, c.subject, c.tags, c.level, c.type,
  c.language, c.status, c.price_cents AS "priceCents", c.currency, c.instructors, c.duration_minutes AS "durationMinutes",
  c.lesson_count AS "lessonCount", c.rating_avg AS "ratingAvg", c.rating_count AS "ratingCount",
  c.enrollment_count AS "enrollmentCount", c.cover_image_url AS "coverImageUrl", c.published_at AS "publishedAt",
  c.updated_at AS "updatedAt"`;

export function excerptOf(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= EXCERPT_LENGTH) return t;
  const cut = t.slice(0, EXCERPT_LENGTH);
  const space = cut.lastIndexOf(' ');
  return `${(space > EXCERPT_LENGTH * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

export const priceOf = (cents: number, currency: string | null) =>
  cents > 0 && currency ? { amountCents: cents, currency } : null;

export const round2 = (n: number) => Math.round(n * 100) / 100;

export function toSummary(r: SummaryRow): CourseSummary {
  return {
    id: r.id,
    title: r.title,
    excerpt: excerptOf(r.excerpt),
    subject: r.subject,
    tags: r.tags,
    level: r.level,
    type: r.type,
    language: r.language,
    status: r.status,
    price: priceOf(r.priceCents, r.currency),
    instructors: r.instructors,
    durationMinutes: r.durationMinutes,
    lessonCount: r.lessonCount,
    ratingAverage: round2(r.ratingAvg),
    ratingCount: r.ratingCount,
    enrollmentCount: r.enrollmentCount,
    coverImageUrl: r.coverImageUrl,
    publishedAt: r.publishedAt ? r.publishedAt.toISOString() : null,
    updatedAt: r.updatedAt.toISOString(),
  };
}

export const rowToSummary = (c: CourseRow): CourseSummary => toSummary({ ...c, excerpt: c.description });
