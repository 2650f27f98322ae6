import type pg from 'pg';
import { ACTIVITY_BASE, type InsightRange, type SalesInsights } from '@lyceum/contracts';
import { CHECKOUT_VERB, VIEWED_VERB } from '../../payments/funnel-events.ts';
import { PURCHASE_VERB } from '../../payments/fulfilment.ts';
import { dayBounds, daysBetween } from './range.ts';

const EXT = 'https://lyceum.app/xapi/extensions';
const COURSE_PREFIX = `${ACTIVITY_BASE}course/`;

/**
 * Sales figures from the analytics side (the collector's statements, which the outbox relay fills): purchases per
 * day and currency, and per course the learners who viewed the course page, started a checkout and paid, in the range.
 * Nothing here reads the payments tables: a purchase counts once its event reached analytics.
 */
export async function salesInsights(pool: pg.Pool, range: InsightRange): Promise<SalesInsights> {
  const courseActivity = range.courseId ? `${COURSE_PREFIX}${range.courseId}` : null;
  // $1..$4 the range and course, $5 purchased, $6 viewed, $7 started checkout.
  const scope = [range.from, range.to, courseActivity, COURSE_PREFIX, PURCHASE_VERB];
  const base = `FROM analytics.statements s
    WHERE s."timestamp" >= $1::timestamptz AND s."timestamp" < $2::timestamptz
      AND s.activity LIKE $4::text || '%' AND ($3::text IS NULL OR s.activity = $3)`;
  // The statement text is parsed (json, cheaper than jsonb) only for purchases; the steps only count actors.
  const [revenue, steps] = await Promise.all([
    pool.query<{ day: string; course_id: string; currency: string; amount: string; purchases: string }>(
      `SELECT to_char(s."timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
              substr(s.activity, length($4::text) + 1) AS course_id,
              s.statement::json->'result'->'extensions'->>'${EXT}/currency' AS currency,
              sum((s.statement::json->'result'->'extensions'->>'${EXT}/amount-minor')::bigint) AS amount,
              count(*) AS purchases
         ${base} AND s.verb = $5
        GROUP BY 1, 2, 3`,
      scope,
    ),
    pool.query<{ course_id: string; title: string | null; viewed: string; checkout: string; paid: string }>(
      `SELECT x.course_id, c.title, x.viewed, x.checkout, x.paid FROM (
         SELECT substr(s.activity, length($4::text) + 1) AS course_id,
                count(DISTINCT s.actor) FILTER (WHERE s.verb = $6) AS viewed,
                count(DISTINCT s.actor) FILTER (WHERE s.verb = $7) AS checkout,
                count(DISTINCT s.actor) FILTER (WHERE s.verb = $5) AS paid
           ${base} AND s.verb IN ($5, $6, $7)
          GROUP BY 1) x
         LEFT JOIN courses c ON c.id::text = x.course_id
        ORDER BY x.paid DESC, x.viewed DESC`,
      [...scope, VIEWED_VERB, CHECKOUT_VERB],
    ),
  ]);
  const currencies = [...new Set(revenue.rows.map((r) => r.currency))].filter(Boolean).sort();
  const perDay = new Map<string, { amount: number; purchases: number }>();
  const perCourse = new Map<string, { currency: string; amount: number }>();
  for (const r of revenue.rows) {
    const k = `${r.day}|${r.currency}`;
    const d = perDay.get(k) ?? { amount: 0, purchases: 0 };
    d.amount += Number(r.amount);
    d.purchases += Number(r.purchases);
    perDay.set(k, d);
    // A course sold in several currencies shows its first one (courses have one price).
    const c = perCourse.get(r.course_id) ?? { currency: r.currency, amount: 0 };
    if (c.currency === r.currency) c.amount += Number(r.amount);
    perCourse.set(r.course_id, c);
  }
  const { fromDay, toDay } = dayBounds(range);
  const courses = steps.rows.map((r) => ({
    courseId: r.course_id,
    title: r.title ?? r.course_id,
    currency: perCourse.get(r.course_id)?.currency ?? currencies[0] ?? 'USD',
    amountMinor: perCourse.get(r.course_id)?.amount ?? 0,
    viewed: Number(r.viewed),
    checkout: Number(r.checkout),
    paid: Number(r.paid),
  }));
  const sum = (k: 'viewed' | 'checkout' | 'paid') => courses.reduce((n, c) => n + c[k], 0);
  return {
    range: { from: range.from, to: range.to, courseId: range.courseId ?? null },
    revenue: daysBetween(fromDay, toDay).flatMap((day) =>
      currencies.map((currency) => {
        const r = perDay.get(`${day}|${currency}`);
        return { day, currency, amountMinor: r?.amount ?? 0, purchases: r?.purchases ?? 0 };
      }),
    ),
    funnel: [
      { step: 'viewed', count: sum('viewed') },
      { step: 'checkout', count: sum('checkout') },
      { step: 'paid', count: sum('paid') },
    ],
    courses: courses.filter((c) => /^[0-9a-f-]{36}$/i.test(c.courseId)),
  };
}
