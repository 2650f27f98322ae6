import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  normaliseVoucherCode,
  type MutationResult,
  type VoucherBatchCreated,
  type VoucherBatchStatus,
  type VoucherVerifiers,
} from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../../test/harness.ts';
import { Replica, progressArgs } from '../../sync/test-support.ts';
import { enrollmentOf, paidCourse } from '../refunds/test-support.ts';
import { isExpired } from './service.ts';

let t: TestServer;
let owner: Awaited<ReturnType<TestServer['user']>>;
let courseId: string;
let lessonId: string;

beforeAll(async () => {
  t = await startTestServer();
  const made = await paidCourse(t, 9900);
  owner = made.owner;
  courseId = made.course.id;
  lessonId = made.course.lessons[0]!.id;
});
afterAll(() => t.close());

async function batch(count: number, extra: Record<string, unknown> = {}, id = courseId, token = owner.token) {
  const r = await t.api<VoucherBatchCreated>('POST', `/api/v1/courses/${id}/voucher-batches`, {
    token,
    body: { count, ...extra },
  });
  expect(r.status).toBe(201);
  return r.body;
}

const redeem = (token: string, code: string) =>
  t.api<{ courseId: string; redeemedNow: boolean; error?: { code: string; details?: unknown } }>(
    'POST',
    '/api/v1/vouchers/redeem',
    { token, body: { code } },
  );

describe('voucher batches', () => {
  it('issues distinct 16-character Crockford codes shown as XXXX-XXXX-XXXX-XXXX, once', async () => {
    const b = await batch(50, { label: 'Springfield High' });
    expect(b).toMatchObject({ courseId, count: 50, redeemed: 0, label: 'Springfield High', revokedAt: null });
    expect(new Set(b.codes).size).toBe(50);
    for (const c of b.codes) expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    const status = await t.api<VoucherBatchStatus>('GET', `/api/v1/voucher-batches/${b.id}`, {
      token: owner.token,
    });
    expect(status.status).toBe(200);
    expect(JSON.stringify(status.body)).not.toContain(b.codes[0]!);
    expect(status.body.codes[0]).toMatchObject({
      position: 1,
      hint: b.codes[0]!.slice(-4),
      redeemedBy: null,
    });
  });

  it('refuses another instructor, a student, a course that does not exist and hostile bodies', async () => {
    const other = await t.user('instructor');
    const student = await t.user('student');
    const url = `/api/v1/courses/${courseId}/voucher-batches`;
    expect((await t.api('POST', url, { token: other.token, body: { count: 1 } })).status).toBe(403);
    expect((await t.api('POST', url, { token: student.token, body: { count: 1 } })).status).toBe(403);
    const missing = `/api/v1/courses/${crypto.randomUUID()}/voucher-batches`;
    expect((await t.api('POST', missing, { token: owner.token, body: { count: 1 } })).status).toBe(404);
    for (const body of [
      { count: 0 },
      { count: 5001 },
      { count: 1.5 },
      { count: '3' },
      { count: 2, extra: 1 },
    ]) {
      const r = await t.api<{ error: { code: string } }>('POST', url, { token: owner.token, body });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
    const past = await t.api('POST', url, {
      token: owner.token,
      body: { count: 1, expiresAt: '2020-01-01T00:00:00Z' },
    });
    expect(past.status).toBe(400);
  });

  it('exports the codes as CSV with their status, and an admin may too', async () => {
    const b = await batch(3);
    const student = await t.user('student');
    expect((await redeem(student.token, b.codes[1]!)).status).toBe(200);
    const admin = await t.user('admin');
    const r = await t.api<string>('GET', `/api/v1/voucher-batches/${b.id}/codes.csv`, { token: admin.token });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/csv');
    const lines = r.body.trim().split('\n');
    expect(lines[0]).toBe('code,course_id,status,expires_at,redeemed_at,redeemed_by');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe(`${b.codes[0]},${courseId},available,,,`);
    expect(lines[2]).toMatch(new RegExp(`^${b.codes[1]},${courseId},redeemed,,\\d{4}-.+,${student.email}$`));
    const stranger = await t.user('instructor');
    expect(
      (await t.api('GET', `/api/v1/voucher-batches/${b.id}/codes.csv`, { token: stranger.token })).status,
    ).toBe(403);
  });
});

describe('redeeming online', () => {
  it('unlocks the course (source voucher) for a code typed loosely; the same student again is not refused', async () => {
    const b = await batch(2);
    const s = await t.user('student');
    const loose = ` ${b.codes[0]!.toLowerCase().replace(/0/g, 'o').replace(/1/g, 'l')} `;
    const r = await redeem(s.token, loose);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ courseId, enrollmentStatus: 'active', redeemedNow: true });
    expect(await enrollmentOf(t.server.database.pool, courseId, s.id)).toEqual({
      status: 'active',
      source: 'voucher',
    });
    const again = await redeem(s.token, b.codes[0]!);
    expect(again.status).toBe(200);
    expect(again.body.redeemedNow).toBe(false);
    // Owning the course already: a second code is not used up.
    const second = await redeem(s.token, b.codes[1]!);
    expect(second.status).toBe(409);
    expect(second.body.error?.code).toBe('already_enrolled');
  });

  it('refuses unknown, malformed, used, revoked and expired codes with their machine-readable codes', async () => {
    const s = await t.user('student');
    const other = await t.user('student');
    const b = await batch(3);
    expect((await redeem(s.token, 'ABCD-EFGH-JKMN-PQRS')).body.error?.code).toBe('voucher_invalid');
    for (const code of ['', 'short', 'U'.repeat(16), '<script>alert(1)</script>', 'x'.repeat(64)]) {
      const r = await redeem(s.token, code);
      expect(r.status).toBe(404);
      expect(r.body.error?.code).toBe('voucher_invalid');
    }
    expect(
      (await t.api('POST', '/api/v1/vouchers/redeem', { token: s.token, body: { code: 'x'.repeat(65) } }))
        .status,
    ).toBe(400);
    expect((await redeem(other.token, b.codes[0]!)).status).toBe(200);
    const used = await redeem(s.token, b.codes[0]!);
    expect(used.status).toBe(409);
    expect(used.body.error).toMatchObject({ code: 'voucher_used', details: { courseId } });

    const revoke = await t.api<{ revokedAt: string | null }>(
      'POST',
      `/api/v1/voucher-batches/${b.id}/revoke`,
      {
        token: owner.token,
      },
    );
    expect(revoke.status).toBe(200);
    expect(revoke.body.revokedAt).not.toBeNull();
    expect((await redeem(s.token, b.codes[1]!)).body.error?.code).toBe('voucher_revoked');

    const e = await batch(1, { expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await t.server.database.pool.query(
      `UPDATE voucher_batches SET expires_at = now() - interval '1 minute' WHERE id = $1`,
      [e.id],
    );
    const expired = await redeem(s.token, e.codes[0]!);
    expect(expired.status).toBe(410);
    expect(expired.body.error?.code).toBe('voucher_expired');
  });

  it('lets exactly one of two students racing for one code have it', async () => {
    for (let round = 0; round < 5; round++) {
      const b = await batch(1);
      const [a, c] = [await t.user('student'), await t.user('student')];
      const results = await Promise.all([redeem(a.token, b.codes[0]!), redeem(c.token, b.codes[0]!)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const loser = results.find((r) => r.status === 409)!;
      expect(loser.body.error?.code).toBe('voucher_used');
      const n = await t.server.database.pool.query(
        `SELECT count(*)::int AS n FROM voucher_redemptions r JOIN vouchers v ON v.id = r.voucher_id WHERE v.batch_id = $1`,
        [b.id],
      );
      expect(n.rows[0].n).toBe(1);
    }
  });
});

describe('the verifiers list', () => {
  it('carries the sha256 of each code not redeemed yet, and none for a revoked batch', async () => {
    const b = await batch(3);
    const s = await t.user('student');
    await redeem(s.token, b.codes[0]!);
    const r = await t.api<VoucherVerifiers>('GET', '/api/v1/vouchers/verifiers', { token: s.token });
    expect(r.status).toBe(200);
    const mine = r.body.batches.find((x) => x.batchId === b.id)!;
    const hash = (c: string) => createHash('sha256').update(normaliseVoucherCode(c)!).digest('hex');
    expect(mine).toMatchObject({ courseId, revoked: false, expiresAt: null });
    expect(mine.hashes.sort()).toEqual([hash(b.codes[1]!), hash(b.codes[2]!)].sort());
    expect(JSON.stringify(r.body)).not.toContain(normaliseVoucherCode(b.codes[1]!)!);
    await t.api('POST', `/api/v1/voucher-batches/${b.id}/revoke`, { token: owner.token });
    const after = await t.api<VoucherVerifiers>('GET', '/api/v1/vouchers/verifiers', { token: s.token });
    expect(after.body.batches.find((x) => x.batchId === b.id)).toMatchObject({ revoked: true, hashes: [] });
    expect((await t.api('GET', '/api/v1/vouchers/verifiers')).status).toBe(401);
  });
});

describe('the redeemVoucher sync mutation', () => {
  it('is applied exactly once, a re-sent mutation id answers the same, and the course reaches the device', async () => {
    const b = await batch(1);
    const s = await t.user('student');
    const device = new Replica(t, s.token);
    const m = device.queue('redeemVoucher', { code: b.codes[0]!, courseId });
    // Studied offline after unlocking: the progress pushed after the redemption is accepted.
    device.queue('recordProgress', progressArgs(courseId, lessonId, { completed: true }));
    const first = await device.pushRaw(device.outbox);
    expect(first.body.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(first.body.results[0]).toMatchObject({
      duplicate: false,
      result: { courseId, redeemedNow: true },
    });
    const again = await device.pushRaw([m]);
    expect(again.body.results[0]).toMatchObject({ id: m.id, status: 'applied', duplicate: true });
    const n = await t.server.database.pool.query(
      `SELECT count(*)::int AS n, max(via) AS via, max(mutation_id::text) AS mid FROM voucher_redemptions WHERE user_id = $1`,
      [s.id],
    );
    expect(n.rows[0]).toEqual({ n: 1, via: 'sync', mid: m.id });
    await device.sync();
    // The lesson studied offline counted: the one-lesson course is complete.
    expect(device.get('enrollment', courseId)).toMatchObject({ status: 'completed', source: 'voucher' });
    expect(device.get('course_detail', courseId)).toBeTruthy();
  });

  it("rejects a second student's device with voucher_used and the course to lock again, also when both push at once", async () => {
    const b = await batch(1);
    const [a, c] = [await t.user('student'), await t.user('student')];
    const devices = [new Replica(t, a.token), new Replica(t, c.token)];
    for (const d of devices) d.queue('redeemVoucher', { code: b.codes[0]!, courseId });
    const results = (await Promise.all(devices.map((d) => d.push()))).map((r) => r[0]!);
    expect(results.map((r) => r.status).sort()).toEqual(['applied', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected') as Extract<
      MutationResult,
      { status: 'rejected' }
    >;
    expect(rejected).toMatchObject({ code: 'voucher_used', details: { courseId } });
    expect(rejected.message).toBeTruthy();
  });

  it('rejects a code of another course (voucher_wrong_course) and a code that matches nothing', async () => {
    const b = await batch(1);
    const elsewhere = await paidCourse(t, 1000);
    const s = await t.user('student');
    const device = new Replica(t, s.token);
    device.queue('redeemVoucher', { code: b.codes[0]!, courseId: elsewhere.course.id });
    device.queue('redeemVoucher', { code: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ', courseId });
    const r = await device.push();
    expect(r[0]).toMatchObject({
      status: 'rejected',
      code: 'voucher_wrong_course',
      details: { courseId: elsewhere.course.id },
    });
    expect(r[1]).toMatchObject({ status: 'rejected', code: 'voucher_invalid', details: { courseId } });
    expect(await enrollmentOf(t.server.database.pool, elsewhere.course.id, s.id)).toBeNull();
  });
});

describe('expiry of a code redeemed offline', () => {
  it('honours a redemption made before the expiry and synced within a week after it, not later', () => {
    const expiry = new Date('2026-03-01T00:00:00Z');
    const day = 86_400_000;
    const before = new Date(expiry.getTime() - day);
    expect(isExpired(expiry, expiry.getTime() - 1)).toBe(false);
    expect(isExpired(expiry, expiry.getTime() + 1)).toBe(true);
    expect(isExpired(expiry, expiry.getTime() + 3 * day, before)).toBe(false);
    expect(isExpired(expiry, expiry.getTime() + 8 * day, before)).toBe(true);
    expect(isExpired(expiry, expiry.getTime() + day, new Date(expiry.getTime() + 1))).toBe(true);
    // A device clock in the future proves nothing.
    expect(isExpired(expiry, expiry.getTime() + day, new Date(expiry.getTime() + 9 * day))).toBe(true);
    expect(isExpired(null, Date.now())).toBe(false);
  });

  it('through sync: made offline a day before the expiry is applied; made after it is voucher_expired', async () => {
    const b = await batch(2, { expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await t.server.database.pool.query(
      `UPDATE voucher_batches SET expires_at = now() - interval '1 day' WHERE id = $1`,
      [b.id],
    );
    const [a, c] = [await t.user('student'), await t.user('student')];
    const m = (code: string, createdAt: Date) => ({
      id: crypto.randomUUID(),
      clientSeq: 0,
      createdAt: createdAt.toISOString(),
      name: 'redeemVoucher' as const,
      args: { code, courseId },
    });
    const early = await new Replica(t, a.token).pushRaw([
      m(b.codes[0]!, new Date(Date.now() - 2 * 86_400_000)),
    ]);
    expect(early.body.results[0]).toMatchObject({ status: 'applied' });
    const late = await new Replica(t, c.token).pushRaw([m(b.codes[1]!, new Date())]);
    expect(late.body.results[0]).toMatchObject({
      status: 'rejected',
      code: 'voucher_expired',
      details: { courseId },
    });
  });
});
