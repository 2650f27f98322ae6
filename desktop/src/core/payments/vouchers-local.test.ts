import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { normaliseVoucherCode } from '@lyceum/contracts';
import { catalogCache } from '../store/catalog-cache.ts';
import { openStore } from '../store/open.ts';
import { detail } from '../../test-support/factories.ts';
import { applyChange, readEnrollment } from '../sync/apply-changes.ts';
import { applyMutationLocally } from '../sync/local-state.ts';
import { outboxRepo } from '../sync/outbox.ts';
import { courseLock, lockCourse } from './local-voucher.ts';
import { verifierRepo } from './verifiers.ts';
import { voucherHash } from './voucher-code.ts';

const userId = randomUUID();

function setup() {
  const store = openStore(':memory:');
  const course = detail({ title: 'School course' });
  const cache = catalogCache(store.db);
  cache.putDetail(course, userId);
  return { db: store.db, course, cache, outbox: outboxRepo(store.db), verifiers: verifierRepo(store.db) };
}

describe('vouchers on the device', () => {
  it('a typed code is found by the hash of its normalised form; revoked, expired and unknown ones are told apart', () => {
    const { verifiers, course } = setup();
    const code = 'ABCD-EFGH-JKMN-PQRS';
    const normal = normaliseVoucherCode(' abcd efgh-jkmn-pqrs ')!;
    expect(normal).toBe('ABCDEFGHJKMNPQRS');
    // O is read as 0 and I, L as 1 (what people mistype).
    expect(normaliseVoucherCode('oooo-iiii-llll-0000')).toBe('0000111111110000');
    const other = normaliseVoucherCode('0000-1111-2222-3333')!;
    const old = normaliseVoucherCode('4444-5555-6666-7777')!;
    verifiers.replace({
      batches: [
        {
          batchId: randomUUID(),
          courseId: course.id,
          expiresAt: null,
          revoked: false,
          hashes: [voucherHash(normal)],
        },
        {
          batchId: randomUUID(),
          courseId: course.id,
          expiresAt: null,
          revoked: true,
          hashes: [voucherHash(other)],
        },
        {
          batchId: randomUUID(),
          courseId: course.id,
          expiresAt: '2020-01-01T00:00:00.000Z',
          revoked: false,
          hashes: [voucherHash(old).toUpperCase()],
        },
      ],
    });
    expect(verifiers.check(voucherHash(normaliseVoucherCode(code)!))).toMatchObject({
      status: 'valid',
      courseId: course.id,
    });
    expect(verifiers.check(voucherHash(other)).status).toBe('revoked');
    expect(verifiers.check(voucherHash(old)).status).toBe('expired');
    expect(verifiers.check(voucherHash('ZZZZZZZZZZZZZZZZ')).status).toBe('unknown');
    // A refresh replaces the list: a code no longer listed (redeemed elsewhere) is unknown here.
    verifiers.replace({ batches: [] });
    expect(verifiers.check(voucherHash(normal)).status).toBe('unknown');
  });

  it('a redeemed voucher opens the course at once, survives a full pull while pending, and a refusal locks it', () => {
    const { db, course, cache, outbox } = setup();
    const m = outbox.append(userId, {
      name: 'redeemVoucher',
      args: { code: 'ABCDEFGHJKMNPQRS', courseId: course.id },
    });
    applyMutationLocally(db, m);
    expect(readEnrollment(db, course.id)).toMatchObject({
      status: 'active',
      source: 'voucher',
      pendingVoucher: m.id,
      course: { title: 'School course' },
    });
    // Progress made in it waits like any other change…
    const progress = outbox.append(userId, {
      name: 'recordProgress',
      args: {
        id: randomUUID(),
        courseId: course.id,
        lessonId: course.modules[0]!.lessons[0]!.id,
        completed: true,
        occurredAt: new Date().toISOString(),
      },
    });
    applyMutationLocally(db, progress);
    expect(outbox.sendableRows(userId).map((r) => r.id)).toEqual([m.id, progress.id]);
    // …until the server refuses the code: the device's own enrollment goes, the course is locked with the reason,
    // and the progress is held back (still pending, not sent) rather than refused and lost.
    outbox.settle({ id: m.id, status: 'rejected', code: 'voucher_used', message: 'Already used' });
    lockCourse(db, userId, course.id, { code: 'voucher_used', message: 'Already used' });
    expect(readEnrollment(db, course.id)).toBeNull();
    expect(courseLock(db, userId, course.id)).toMatchObject({ code: 'voucher_used' });
    expect(outbox.sendableRows(userId)).toEqual([]);
    expect(outbox.pendingCount(userId)).toBe(1);
    // Bought later: the pulled enrollment lifts the lock, the held progress goes up.
    applyChange(
      { db, cache, userId, now: new Date().toISOString() },
      {
        seq: 1,
        entity: 'enrollment',
        id: course.id,
        op: 'upsert',
        data: {
          courseId: course.id,
          status: 'active',
          enrolledAt: new Date().toISOString(),
          source: 'purchase',
        },
      },
    );
    expect(courseLock(db, userId, course.id)).toBeNull();
    expect(outbox.sendableRows(userId).map((r) => r.id)).toEqual([progress.id]);
  });

  it('a pulled enrollment that gives access is not replaced by a pending voucher', () => {
    const { db, course, cache, outbox } = setup();
    applyChange(
      { db, cache, userId, now: new Date().toISOString() },
      {
        seq: 1,
        entity: 'enrollment',
        id: course.id,
        op: 'upsert',
        data: { courseId: course.id, status: 'completed', enrolledAt: '2026-01-01T00:00:00.000Z' },
      },
    );
    const m = outbox.append(userId, {
      name: 'redeemVoucher',
      args: { code: 'ABCDEFGHJKMNPQRS', courseId: course.id },
    });
    applyMutationLocally(db, m);
    expect(readEnrollment(db, course.id)).toMatchObject({ status: 'completed' });
    expect(readEnrollment(db, course.id)?.pendingVoucher).toBeUndefined();
  });
});
