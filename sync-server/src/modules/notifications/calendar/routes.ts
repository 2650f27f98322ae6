import type pg from 'pg';
import { CalendarFeedQuery, CalendarLink } from '@lyceum/contracts';
import { ApiError } from '../../../http/errors.ts';
import { Raw, route, type AnyRoute } from '../../../http/route.ts';
import { DEFAULT_AHEAD_DAYS, deadlinesFor } from '../schedule/deadlines.ts';
import { buildCalendar, type CalendarEvent } from './ics.ts';
import type { CalendarTokens } from './token.ts';

const DAY = 86_400_000;
export const FEED_PATH = '/api/v1/me/calendar.ics';

/** Deadlines as calendar events: the last 30 days and the coming year, each with a reminder an hour before. */
export async function calendarFor(pool: pg.Pool, userId: string, now = new Date()): Promise<string> {
  const items = await deadlinesFor(
    pool,
    userId,
    { from: new Date(now.getTime() - 30 * DAY), to: new Date(now.getTime() + DEFAULT_AHEAD_DAYS * DAY) },
    now,
  );
  // SEQUENCE must not go down when an event changes: the course's version only grows with each edit.
  const versions = new Map(
    (
      await pool.query<{ id: string; version: number }>(
        'SELECT id, version FROM courses WHERE id = ANY($1::uuid[])',
        [[...new Set(items.map((d) => d.courseId))]],
      )
    ).rows.map((r) => [r.id, r.version]),
  );
  const events: CalendarEvent[] = items.map((d) => ({
    uid: `deadline-${d.lessonId}@lyceum`,
    at: new Date(d.dueAt),
    summary: `${d.completed ? '✓ ' : ''}Due: ${d.lessonTitle} (${d.courseTitle})`,
    description: `${d.lessonTitle}, in ${d.courseTitle}, is due. Open it in Lyceum: ${d.url}`,
    sequence: versions.get(d.courseId) ?? 0,
    ...(d.completed ? {} : { alarmMinutes: 60 }),
  }));
  return buildCalendar({ name: 'Lyceum deadlines', events, now });
}

export function calendarRoutes(o: { pool: pg.Pool; tokens: CalendarTokens; publicUrl: string }): AnyRoute[] {
  const tags = ['notifications'];
  return [
    route({
      method: 'get',
      path: '/api/v1/me/calendar',
      operationId: 'getCalendarLink',
      summary: "The signed-in user's calendar subscription link (iCalendar feed of their deadlines)",
      tags,
      access: 'user',
      response: CalendarLink,
      handler: async ({ user }) => {
        const { token, expiresAt } = await o.tokens.sign(user!.id);
        const url = `${o.publicUrl}${FEED_PATH}?token=${encodeURIComponent(token)}`;
        return {
          url,
          webcalUrl: url.replace(/^https?:/, 'webcal:'),
          token,
          expiresAt: expiresAt.toISOString(),
        };
      },
    }),
    route({
      method: 'get',
      path: FEED_PATH,
      operationId: 'getCalendarFeed',
      summary:
        'iCalendar feed (RFC 5545) of the token owner’s deadlines; the signed token replaces signing in',
      tags,
      access: 'public',
      query: CalendarFeedQuery,
      response: null,
      produces: 'text/calendar',
      errors: ['invalid_token', 'token_expired'],
      handler: async ({ query }) => {
        const userId = await o.tokens.verify(query.token);
        // A disabled or deleted account's links stop working.
        const u = await o.pool.query('SELECT 1 FROM users WHERE id = $1 AND NOT disabled', [userId]);
        if (!u.rows.length) throw new ApiError('invalid_token', 'The calendar link is invalid');
        const body = await calendarFor(o.pool, userId);
        return new Raw('text/calendar; charset=utf-8', body, {
          'content-disposition': 'inline; filename="lyceum-deadlines.ics"',
          'cache-control': 'private, max-age=300',
        });
      },
    }),
  ];
}
