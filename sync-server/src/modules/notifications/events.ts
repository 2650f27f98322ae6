import type pg from 'pg';
import type { Logger } from 'pino';
import { dedupeKeys, parseActivityIri, VERBS } from '@lyceum/contracts';
import type { NotificationDraft } from './fanout.ts';
import type { Audience } from './fanout.ts';

/** The payments core's purchase verb and order extension (modules/payments/fulfilment.ts). */
const PURCHASE_VERB = 'http://activitystrea.ms/schema/1.0/purchase';
const ORDER_EXT = 'https://lyceum.app/xapi/extensions/order-id';
/** A refund step's event (modules/payments/refunds/apply.ts refundEvent): the amount given back then. */
const REFUND_VERB = 'https://lyceum.app/xapi/verbs/refunded';
const AMOUNT_EXT = 'https://lyceum.app/xapi/extensions/amount-minor';
const CURRENCY_EXT = 'https://lyceum.app/xapi/extensions/currency';
const FULL_EXT = 'https://lyceum.app/xapi/extensions/full-refund';

/** 1234 USD minor units → "$12.34" (the currency's own number of decimals). */
export function formatMinor(amountMinor: number, currency: string): string {
  try {
    const f = new Intl.NumberFormat('en', { style: 'currency', currency });
    const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
    return f.format(amountMinor / 10 ** digits);
  } catch {
    return `${amountMinor} ${currency}`;
  }
}

interface Statement {
  id?: string;
  actor?: { account?: { name?: string } };
  verb?: { id?: string };
  object?: { id?: string };
  context?: { extensions?: Record<string, unknown> };
  result?: { extensions?: Record<string, unknown> };
}

export interface Delivery {
  audience: Audience;
  draft: NotificationDraft;
}

/**
 * What a platform event from the transactional outbox means for notifications: enrolled → enrollment_confirmed to the
 * student; purchase (payments) → payment_receipt to the buyer; refunded (payments, each refund step) → refund_issued
 * to the buyer, keyed by the event's id; a course (re)published → course_updated to its students.
 * Other events mean nothing here. Course titles come from `titles`.
 */
export function eventToDeliveries(s: Statement, courseTitle: (id: string) => string): Delivery[] {
  const userId = s.actor?.account?.name;
  const target = s.object?.id ? parseActivityIri(s.object.id) : null;
  const courseId = target?.courseId;
  if (!courseId) return [];
  const title = courseTitle(courseId);
  const url = `/courses/${courseId}`;
  switch (s.verb?.id) {
    case VERBS.enrolled:
      if (!userId) return [];
      return [
        {
          audience: { userId },
          draft: {
            type: 'enrollment_confirmed',
            courseId,
            title: `You are enrolled in ${title}`,
            body: `Welcome to ${title}. Your lessons are ready in Lyceum.`,
            url,
            dedupeKey: dedupeKeys.enrollment(courseId),
          },
        },
      ];
    case PURCHASE_VERB: {
      const orderId = s.context?.extensions?.[ORDER_EXT];
      if (!userId || typeof orderId !== 'string') return [];
      return [
        {
          audience: { userId },
          draft: {
            type: 'payment_receipt',
            courseId,
            title: `Payment received for ${title}`,
            body: `Thank you: your payment for ${title} went through. Your receipt is in My purchases.`,
            url: `/purchases/${orderId}`,
            dedupeKey: dedupeKeys.payment(orderId),
          },
        },
      ];
    }
    case REFUND_VERB: {
      const orderId = s.context?.extensions?.[ORDER_EXT];
      const amount = s.result?.extensions?.[AMOUNT_EXT];
      const currency = s.result?.extensions?.[CURRENCY_EXT];
      if (!userId || !s.id || typeof orderId !== 'string' || typeof amount !== 'number') return [];
      const money = typeof currency === 'string' ? formatMinor(amount, currency) : String(amount);
      const full = s.result?.extensions?.[FULL_EXT] === true;
      return [
        {
          audience: { userId },
          draft: {
            type: 'refund_issued',
            courseId,
            title: `Refund of ${money} for ${title}`,
            body: full
              ? `${money} was refunded for ${title}; the order is fully refunded and the course leaves your library.`
              : `${money} was refunded for ${title}. You keep the course.`,
            url: `/purchases/${orderId}`,
            // One event per refund step (its statement id): a replayed event is the same notification.
            dedupeKey: dedupeKeys.refund(s.id),
          },
        },
      ];
    }
    case VERBS.published:
      return [
        {
          audience: { courseStudents: courseId },
          draft: {
            type: 'course_updated',
            courseId,
            title: `${title} was updated`,
            body: `${title} is published with its latest changes.`,
            url,
            dedupeKey: dedupeKeys.courseUpdate(courseId, s.id ?? 'published'),
          },
        },
      ];
    default:
      return [];
  }
}

/**
 * The notifications' reading of the transactional outbox (the same events the analytics relay delivers; no second
 * event mechanism): rows not yet notified are claimed in order (FOR UPDATE SKIP LOCKED, so API nodes share them),
 * turned into deliveries, and marked notified_at in the same transaction. Dedupe keys make a replay harmless.
 */
export function outboxConsumer(
  pool: pg.Pool,
  deliver: (d: Delivery) => Promise<void>,
  logger: Logger,
  batchSize = 200,
) {
  async function once(): Promise<number> {
    const client = await pool.connect();
    let open = false;
    try {
      await client.query('BEGIN');
      open = true;
      const { rows } = await client.query<{ id: string; statement: Statement }>(
        `SELECT id, statement FROM event_outbox WHERE notified_at IS NULL
         ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize],
      );
      if (rows.length) {
        const courseIds = [
          ...new Set(
            rows
              .map((r) => (r.statement.object?.id ? parseActivityIri(r.statement.object.id)?.courseId : null))
              .filter((x): x is string => !!x),
          ),
        ];
        const { rows: courses } = await client.query<{ id: string; title: string }>(
          'SELECT id, title FROM courses WHERE id = ANY($1::uuid[])',
          [courseIds],
        );
        const titles = new Map(courses.map((c) => [c.id, c.title]));
        for (const r of rows)
          for (const d of eventToDeliveries(r.statement, (id) => titles.get(id) ?? 'your course'))
            await deliver(d).catch((err: unknown) =>
              logger.warn({ err, event: r.id }, 'notification from an outbox event failed'),
            );
        await client.query('UPDATE event_outbox SET notified_at = now() WHERE id = ANY($1::uuid[])', [
          rows.map((r) => r.id),
        ]);
      }
      await client.query('COMMIT');
      open = false;
      return rows.length;
    } finally {
      if (open) await client.query('ROLLBACK').catch(() => {});
      client.release();
    }
  }
  return {
    once,
    /** Notify from every row not yet notified, waiting a moment for rows the analytics relay holds (skipped). */
    async drain(): Promise<number> {
      let total = 0;
      for (;;) {
        const n = await once();
        total += n;
        if (n === batchSize) continue;
        const { rows } = await pool.query<{ left: boolean }>(
          'SELECT EXISTS (SELECT 1 FROM event_outbox WHERE notified_at IS NULL) AS left',
        );
        if (!rows[0]?.left) return total;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
