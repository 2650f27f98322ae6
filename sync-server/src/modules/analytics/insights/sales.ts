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
  const [revenue, steps] = await Promise.all([
    pool.query<{ day: string; currency: string; amount: string; purchases: string }>(
      `SELECT to_char(s."timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
              s.statement::jsonb->'result'->'extensions'->>'${EXT}/currency' AS currency,
              sum((s.statement::jsonb->'result'->'extensions'->>'${EXT}/amount-minor')::bigint) AS amount,
              count(*) AS purchases
         ${base} AND s.verb = $5
        GROUP BY 1, 2`,
      scope,
    ),
    pool.query<{
      course_id: string;
      title: string | null;
      currency: string | null;
      amount: string | null;
      viewed: string;
      checkout: string;
      paid: string;
    }>(
      `SELECT x.course_id, c.title, x.currency, x.amount, x.viewed, x.checkout, x.paid FROM (
         SELECT substr(s.activity, length($4::text) + 1) AS course_id,
                max(s.statement::jsonb->'result'->'extensions'->>'${EXT}/currency') FILTER (WHERE s.verb = $5) AS currency,
                sum((s.statement::jsonb->'result'->'extensions'->>'${EXT}/amount-minor')::bigint) FILTER (WHERE s.verb = $5) AS amount,
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
  const byKey = new Map(revenue.rows.map((r) => [`${r.day}|${r.currency}`, r]));
  const { fromDay, toDay } = dayBounds(range);
  const courses = steps.rows.map((r) => ({
    courseId: r.course_id,
    title: r.title ?? r.course_id,
    currency: r.currency ?? currencies[0] ?? 'USD',
    amountMinor: Number(r.amount ?? 0),
    viewed: Number(r.viewed),
    checkout: Number(r.checkout),
    paid: Number(r.paid),
  }));
  const sum = (k: 'viewed' | 'checkout' | 'paid') => courses.reduce((n, c) => n + c[k], 0);
  return {
    range: { from: range.from, to: range.to, courseId: range.courseId ?? null },
    revenue: daysBetween(fromDay, toDay).flatMap((day) =>
      currencies.map((currency) => {
        const r = byKey.get(`${day}|${currency}`);
        return {
          day,
          currency,
          amountMinor: Number(r?.amount ?? 0),
          purchases: Number(r?.purchases ?? 0),
        };
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
