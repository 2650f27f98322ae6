import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QuizAttemptResult } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { createCourse, enrollDirectly, type CreatedCourse } from '../../../test/factories.ts';
import { CARDS, card, checkout, orderBecomes, pay } from '../payments/test-support.ts';
import { formatMinor } from './events.ts';
import { eventually } from './schedule/test-support.ts';

/** The sources of grade_posted (graded quiz attempts), refund_issued (the refund's outbox event) and alert. */
let t: TestServer;
let course: CreatedCourse;
beforeAll(async () => {
  t = await startTestServer();
  const owner = await t.user('instructor');
  course = await createCourse(t.server.database.pool, {
    ownerId: owner.id,
    status: 'published',
    title: 'Logic',
    priceCents: 5000,
    modules: [
      [
        {
          title: 'Exam',
          quiz: { passingPercent: 100, questions: [{ answer: { type: 'true_false', value: true } }] },
        },
        {
          title: 'Practice',
          quiz: { graded: false, questions: [{ answer: { type: 'true_false', value: true } }] },
        },
      ],
    ],
  });
});
afterAll(() => t.close());

const rows = async (userId: string, type: string) =>
  (
    await t.server.database.pool.query<{
      dedupe_key: string;
      title: string;
      body: string;
      url: string | null;
    }>(
      'SELECT dedupe_key, title, body, url FROM notifications WHERE user_id = $1 AND type = $2 ORDER BY created_at',
      [userId, type],
    )
  ).rows;

function attempt(lesson: string, value: boolean, id: string = crypto.randomUUID()) {
  const l = course.lesson(lesson);
  return {
    id,
    courseId: course.id,
    lessonId: l.id,
    answers: { [l.questionIds[0]!]: value },
    submittedAt: new Date().toISOString(),
  };
}

describe('grade_posted', () => {
  it('a graded quiz attempt notifies its student once (grade:<attemptId>); a replay or a practice quiz does not', async () => {
    const s = await t.user('student');
    await enrollDirectly(t.server.database.pool, course.id, s.id);
    const body = attempt('Exam', true);
    const first = await t.api<QuizAttemptResult>('POST', '/api/v1/quiz-attempts', { token: s.token, body });
    expect(first.status).toBe(201);
    const replay = await t.api<QuizAttemptResult>('POST', '/api/v1/quiz-attempts', { token: s.token, body });
    expect(replay.body.duplicate).toBe(true);
    expect(
      (await t.api('POST', '/api/v1/quiz-attempts', { token: s.token, body: attempt('Practice', true) }))
        .status,
    ).toBe(201);
    const got = await rows(s.id, 'grade_posted');
    expect(got).toEqual([
      {
        dedupe_key: `grade:${body.id}`,
        title: 'Exam: 100 %, passed',
        body: 'Your attempt at Exam (Logic) was graded: 100 %, passed.',
        url: `/courses/${course.id}/lessons/${body.lessonId}`,
      },
    ]);
    // The inbox shows it.
    const inbox = await t.api<{ items: { type: string }[] }>('GET', '/api/v1/me/notifications', {
      token: s.token,
    });
    expect(inbox.body.items.map((i) => i.type)).toContain('grade_posted');
  });

  it('in the sync push’s transaction: the notification exists if and only if the attempt commits', async () => {
    const s = await t.user('student');
    await enrollDirectly(t.server.database.pool, course.id, s.id);
    const pool = t.server.database.pool;
    const rolledBack = attempt('Exam', false);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const out = await t.server.progress.writers(client).submitBatch(s.id, [rolledBack]);
      expect(out[0]).toMatchObject({ ok: true });
      await client.query('ROLLBACK');
      expect(await rows(s.id, 'grade_posted')).toEqual([]);
      const kept = attempt('Exam', false);
      await client.query('BEGIN');
      await t.server.progress.writers(client).submitBatch(s.id, [kept]);
      await client.query('COMMIT');
      const got = await rows(s.id, 'grade_posted');
      expect(got.map((r) => r.dedupe_key)).toEqual([`grade:${kept.id}`]);
      expect(got[0]!.title).toBe('Exam: 0 %');
    } finally {
      client.release();
    }
  });
});

describe('refund_issued', () => {
  it('comes from the refund’s outbox event, once per refund step, even when the outbox is read again', async () => {
    const pool = t.server.database.pool;
    const s = await t.user('student');
    const admin = await t.user('admin');
    // Bought through checkout and the sandbox gateway, as a student does.
    const c = await checkout(t, s.token, course.id);
    expect(c.status).toBe(201);
    await pay(t, c.body.checkoutUrl!, card(CARDS.ok));
    await orderBecomes(t, s.token, c.body.orderId, 'paid');
    const order = { id: c.body.orderId };
    const part = await t.api('POST', `/api/v1/orders/${order.id}/refunds`, {
      token: admin.token,
      body: { amount: 1250, reason: 'Goodwill' },
    });
    expect(part.status, JSON.stringify(part.body)).toBe(201);
    // The refund is applied when the gateway confirms it (its webhook, through the payments' inbox): poll the outbox.
    const refunds = (n: number) =>
      eventually(
        async () => {
          await t.server.notifications.outbox.drain();
          const r = await rows(s.id, 'refund_issued');
          return r.length >= n ? r : undefined;
        },
        20_000,
        `${n} refund notification(s)`,
      );
    let got = await refunds(1);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      title: 'Refund of $12.50 for Logic',
      body: '$12.50 was refunded for Logic. You keep the course.',
      url: `/purchases/${order.id}`,
    });
    expect(got[0]!.dedupe_key).toMatch(/^refund:[0-9a-f-]{36}$/);
    const rest = await t.api('POST', `/api/v1/orders/${order.id}/refunds`, {
      token: admin.token,
      body: { reason: 'Course cancelled' },
    });
    expect(rest.status).toBe(201);
    await refunds(2);
    // The outbox read again from the start (a replay): dedupe keys keep it to one notification per step.
    await pool.query(`UPDATE event_outbox SET notified_at = NULL`);
    await t.server.notifications.outbox.drain();
    got = await rows(s.id, 'refund_issued');
    expect(got).toHaveLength(2);
    expect(got[1]!.body).toBe(
      '$37.50 was refunded for Logic; the order is fully refunded and the course leaves your library.',
    );
    expect(new Set(got.map((r) => r.dedupe_key)).size).toBe(2);
  });

  it('formats amounts in the currency’s own decimals', () => {
    expect(formatMinor(1250, 'USD')).toBe('$12.50');
    expect(formatMinor(1250, 'JPY')).toBe('¥1,250');
    expect(formatMinor(1250, 'EUR')).toBe('€12.50');
  });
});

describe('alert (notifyAlert, for the analytics alerts)', () => {
  it('reaches the accounts of a role or the given users once per dedupe key; bad input is validation_failed', async () => {
    const admins = await Promise.all([1, 2].map(() => t.user('admin')));
    const student = await t.user('student');
    const first = await t.server.notifications.notifyAlert({
      role: 'admin',
      title: 'Completion rate fell',
      body: 'Logic: 40 % this week (was 70 %)',
      url: '/analytics',
      dedupeKey: 'completion-drop:logic:2026-W49',
    });
    expect(first.created).toBeGreaterThanOrEqual(2);
    for (const a of admins)
      expect(await rows(a.id, 'alert')).toEqual([
        {
          dedupe_key: 'alert:completion-drop:logic:2026-W49',
          title: 'Completion rate fell',
          body: 'Logic: 40 % this week (was 70 %)',
          url: '/analytics',
        },
      ]);
    expect(await rows(student.id, 'alert')).toEqual([]);
    // Evaluated again: nothing new.
    const again = await t.server.notifications.notifyAlert({
      role: 'admin',
      title: 'Completion rate fell',
      body: 'again',
      dedupeKey: 'completion-drop:logic:2026-W49',
    });
    expect(again.created).toBe(0);
    const direct = await t.server.notifications.notifyAlert({
      userIds: [student.id],
      title: 'Quota',
      body: 'Storage at 90 %',
      dedupeKey: 'alert:quota:90',
    });
    expect(direct.created).toBe(1);
    expect((await rows(student.id, 'alert')).map((r) => r.dedupe_key)).toEqual(['alert:quota:90']);
    for (const bad of [
      { title: 'x', body: 'y', dedupeKey: 'k' },
      { role: 'admin', userIds: [student.id], title: 'x', body: 'y', dedupeKey: 'k' },
      { role: 'admin', title: '', body: 'y', dedupeKey: 'k' },
      { userIds: ['not-a-uuid'], title: 'x', body: 'y', dedupeKey: 'k' },
    ])
      await expect(t.server.notifications.notifyAlert(bad as never)).rejects.toMatchObject({
        code: 'validation_failed',
      });
  });
});
