import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { CheckoutResponse, CourseDetail } from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';
import type { AnyRoute, Caller } from '../../http/route.ts';
import { platformEvents, type PlatformStatement } from '../analytics/collector/sources/outbox.ts';

/**
 * The first two steps of the sales funnel (catalog view → checkout → paid) as platform events. The last one, the
 * purchase, is written by fulfilment in the transaction that marks an order paid; these two record an interest, not
 * a business change, so they are written just after the request succeeded. Both go through the same transactional
 * outbox table, so the analytics side learns of them the way it learns of purchases.
 */
export const VIEWED_VERB = 'http://id.tincanapi.com/verb/viewed';
export const CHECKOUT_VERB = 'https://lyceum.app/xapi/verbs/started-checkout';

/** A UUID (version 8, RFC 9562) named by its parts: the same view on the same day is one statement id. */
export function namedId(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('|')).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const utcDay = (d: Date) => d.toISOString().slice(0, 10);

export const courseViewed = (userId: string, courseId: string, at = new Date()): PlatformStatement => ({
  ...platformEvents.enrolled(userId, courseId),
  id: namedId('viewed', userId, courseId, utcDay(at)),
  verb: { id: VIEWED_VERB, display: { en: 'viewed' } },
  timestamp: at.toISOString(),
});

export const checkoutStarted = (userId: string, courseId: string, orderId: string): PlatformStatement => ({
  ...platformEvents.enrolled(userId, courseId),
  id: namedId('checkout', orderId),
  verb: { id: CHECKOUT_VERB, display: { en: 'started checkout' } },
  context: {
    platform: 'Lyceum',
    extensions: { 'https://lyceum.app/xapi/extensions/order-id': orderId },
  },
});

/** Into the outbox, once per statement id (a repeat of the same view that day, or of the same order, is dropped). */
export async function recordOnce(db: Db, statement: PlatformStatement): Promise<void> {
  const full = { ...statement, timestamp: statement.timestamp ?? new Date().toISOString() };
  await db.execute(
    sql`INSERT INTO event_outbox (id, statement) VALUES (${full.id}, ${JSON.stringify(full)}::jsonb) ON CONFLICT (id) DO NOTHING`,
  );
}

type Logger = { warn: (obj: object, msg: string) => void };

/**
 * Wrap the catalog's `getCourse` (a signed-in student looking at a paid, published course) and the payments'
 * `checkout` routes so each success also records its funnel event. A failure to record is logged, never answered.
 */
export function withFunnelEvents(routes: AnyRoute[], db: Db, logger: Logger): AnyRoute[] {
  const record = (s: PlatformStatement) =>
    void recordOnce(db, s).catch((err: unknown) => logger.warn({ err }, 'funnel event not recorded'));
  const student = (u: Caller | null) => (u?.role === 'student' ? u : null);
  return routes.map((r) => {
    if (r.operationId === 'getCourse')
      return {
        ...r,
        handler: async (ctx) => {
          const out: unknown = await r.handler(ctx);
          const course = out as Partial<CourseDetail>;
          const u = student(ctx.user);
          if (u && course.id && course.status === 'published' && course.price)
            record(courseViewed(u.id, course.id));
          return out as never;
        },
      } satisfies AnyRoute;
    if (r.operationId === 'checkout')
      return {
        ...r,
        handler: async (ctx) => {
          const out: unknown = await r.handler(ctx);
          const body = (
            out && typeof out === 'object' && 'body' in out ? out.body : out
          ) as Partial<CheckoutResponse>;
          const params = ctx.params as { id?: string };
          if (ctx.user && body.orderId && params.id)
            record(checkoutStarted(ctx.user.id, params.id, body.orderId));
          return out as never;
        },
      } satisfies AnyRoute;
    return r;
  });
}
