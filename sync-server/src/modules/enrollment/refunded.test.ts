import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MyEnrollment } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { createCourse, type CreatedCourse } from '../../../test/factories.ts';
import { Replica, progressArgs } from '../sync/test-support.ts';
import { grantEnrollment, revokeForRefund } from './service.ts';

let t: TestServer;
let course: CreatedCourse;
let free: CreatedCourse;

beforeAll(async () => {
  t = await startTestServer();
  const owner = await t.user('instructor');
  course = await createCourse(t.server.database.pool, {
    ownerId: owner.id,
    priceCents: 2000,
    modules: [[{ title: 'One' }, { title: 'Two' }]],
  });
  free = await createCourse(t.server.database.pool, { ownerId: owner.id });
});
afterAll(() => t.close());

const grant = (userId: string, c = course, source: 'purchase' | 'coupon' | 'voucher' = 'purchase') =>
  t.server.database.db.transaction((tx) => grantEnrollment(tx, { userId, courseId: c.id, source }));
const revoke = (userId: string, c = course) =>
  t.server.database.db.transaction((tx) => revokeForRefund(tx, { userId, courseId: c.id }));
const count = async (c = course) =>
  (await t.server.database.pool.query('SELECT enrollment_count FROM courses WHERE id = $1', [c.id])).rows[0]
    .enrollment_count as number;

describe('grantEnrollment and revokeForRefund', () => {
  it('grants once (idempotent), revokes to refunded keeping progress, and a later purchase reactivates it', async () => {
    const s = await t.user('student');
    const before = await count();
    const first = await grant(s.id);
    expect(first).toMatchObject({ changed: true, enrollment: { status: 'active', source: 'purchase' } });
    const again = await grant(s.id, course, 'coupon');
    expect(again).toMatchObject({
      changed: false,
      enrollment: { id: first.enrollment.id, source: 'purchase' },
    });
    expect(await count()).toBe(before + 1);

    const device = new Replica(t, s.token);
    device.queue('recordProgress', progressArgs(course.id, course.lesson('One').id, { completed: true }));
    expect((await device.push())[0]).toMatchObject({ status: 'applied' });
    await device.sync();
    expect(device.get('course_detail', course.id)).toBeTruthy();

    expect(await revoke(s.id)).toBe(true);
    expect(await revoke(s.id)).toBe(false);
    expect(await count()).toBe(before);
    expect(await t.server.enrollment.isEnrolled(course.id, s.id)).toBe(false);

    // The device learns it by pull: the enrollment says refunded and the course's structure is withdrawn.
    await device.sync();
    expect(device.get<MyEnrollment>('enrollment', course.id)).toMatchObject({ status: 'refunded' });
    expect(device.get('course_detail', course.id)).toBeUndefined();
    // Studying offline after the refund is refused, the progress made before is kept.
    device.queue('recordProgress', progressArgs(course.id, course.lesson('Two').id, { completed: true }));
    expect((await device.push())[0]).toMatchObject({ status: 'rejected', code: 'not_enrolled' });
    const kept = await t.server.database.pool.query(
      'SELECT lesson_id FROM lesson_progress WHERE user_id = $1 AND completed',
      [s.id],
    );
    expect(kept.rows.map((r) => r.lesson_id)).toEqual([course.lesson('One').id]);
    const mine = await t.api<{ items: MyEnrollment[] }>('GET', '/api/v1/me/enrollments?status=refunded', {
      token: s.token,
    });
    expect(mine.body.items).toMatchObject([{ courseId: course.id, status: 'refunded', completedLessons: 1 }]);

    const back = await grant(s.id, course, 'voucher');
    expect(back).toMatchObject({
      changed: true,
      enrollment: { id: first.enrollment.id, status: 'active', source: 'voucher' },
    });
    await device.sync();
    expect(device.get('course_detail', course.id)).toBeTruthy();
  });

  it('a refunded student cannot self-enroll in a paid course, can in a free one, and leaving is a no-op', async () => {
    const s = await t.user('student');
    await grant(s.id);
    await revoke(s.id);
    const paid = await t.api<{ error: { code: string } }>('POST', `/api/v1/courses/${course.id}/enrollment`, {
      token: s.token,
    });
    expect(paid.status).toBe(402);
    expect(
      (await t.api('DELETE', `/api/v1/courses/${course.id}/enrollment`, { token: s.token })).status,
    ).toBe(204);
    await grant(s.id, free, 'coupon');
    await revoke(s.id, free);
    const again = await t.api<{ status: string; source: string }>(
      'POST',
      `/api/v1/courses/${free.id}/enrollment`,
      { token: s.token },
    );
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ status: 'active', source: 'self' });
  });

  it('counts refunded students apart in the roster', async () => {
    const owner = await t.user('instructor');
    const c = await createCourse(t.server.database.pool, { ownerId: owner.id, priceCents: 900 });
    const [a, b] = [await t.user('student'), await t.user('student')];
    await grant(a.id, c);
    await grant(b.id, c);
    await revoke(b.id, c);
    const roster = await t.api<{ counts: Record<string, number> }>('GET', `/api/v1/courses/${c.id}/roster`, {
      token: owner.token,
    });
    expect(roster.body.counts).toEqual({ active: 1, completed: 0, dropped: 0, refunded: 1 });
  });
});
