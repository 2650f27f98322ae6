import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseDetail, StudentCourseProgress } from '@lyceum/contracts';
import { CoreError } from '../errors.ts';
import { deviceFleet, localCall, type Device } from '../../test-support/devices.ts';
import { resetEmail } from '../../test-support/mail.ts';
import { lessonsOf, studyCourse } from '../../test-support/study-course.ts';
import {
  removeDir,
  startSyncServer,
  type Account,
  type SyncServerProcess,
} from '../../test-support/sync-server.ts';
import type { SessionState } from '../../contracts/app.ts';

let server: SyncServerProcess;
let course: CourseDetail;
const fleet = deviceFleet(() => server.url);

beforeAll(async () => {
  server = await startSyncServer();
  const teacher = await server.user('instructor', 'Teacher');
  course = await server.publishedCourse(teacher, studyCourse('Recovery'));
});
afterAll(async () => {
  await fleet.closeAll();
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

const pending = (d: Device, userId: string) => d.sync.outbox.pending(userId).length;

/** The CoreError a promise is rejected with. */
async function refusal(p: Promise<unknown>): Promise<CoreError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CoreError);
  return err as CoreError;
}

async function enrolledDevice(student: Account) {
  const dev = await fleet.open();
  await dev.d.session.signIn({ email: student.email, password: student.password });
  await dev.d.learning.enroll(course.id);
  await dev.d.sync.syncNow();
  return dev;
}

describe('a password reset elsewhere', () => {
  it('signs the device out at its next contact, says why, and keeps its pending work for the next sign-in', async () => {
    const student = await server.user('student');
    const { d } = await enrolledDevice(student);
    const L = lessonsOf(course);
    d.learning.complete(course.id, L.read);
    expect(pending(d, student.id)).toBe(1);

    // The student resets the password from another place (the reset page in a browser, say).
    await server.api('POST', '/api/v1/auth/password-reset/request', { body: { email: student.email } });
    const { code } = await resetEmail(server.dataDir, student.email);
    const reset = await server.api('POST', '/api/v1/auth/password-reset/confirm', {
      body: { token: code, password: 'After-The-Reset-1' },
    });
    expect(reset.status).toBe(204);

    // The device's access token has not expired, but the next sync is refused and the device is signed out.
    await d.sync.syncNow();
    const state = await d.session.whoAmI();
    expect(state).toMatchObject({ signedIn: false, user: null, notice: 'password_changed' });
    expect(d.store.sqlite.prepare('SELECT count(*) AS n FROM identity').get()).toEqual({ n: 0 });
    expect(pending(d, student.id)).toBe(1);

    // Signing in with the new password sends the kept change.
    await d.session.signIn({ email: student.email, password: 'After-The-Reset-1' });
    await d.sync.syncNow();
    expect(pending(d, student.id)).toBe(0);
    const login = await server.api<{ accessToken: string }>('POST', '/api/v1/auth/login', {
      body: { email: student.email, password: 'After-The-Reset-1' },
    });
    const progress = await server.api<StudentCourseProgress>(
      'GET',
      `/api/v1/me/courses/${course.id}/progress`,
      {
        token: login.body.accessToken,
      },
    );
    expect(progress.body.lessons.filter((l) => l.completed).map((l) => l.lessonId)).toEqual([L.read]);
  });

  it('drops the old password verifier, so it cannot sign in offline', async () => {
    const student = await server.user('student');
    const { d, proxy } = await enrolledDevice(student);
    await server.api('POST', '/api/v1/auth/password-reset/request', { body: { email: student.email } });
    const { code } = await resetEmail(server.dataDir, student.email);
    await server.api('POST', '/api/v1/auth/password-reset/confirm', {
      body: { token: code, password: 'After-The-Reset-2' },
    });
    expect((await d.session.whoAmI()).notice).toBe('password_changed');
    proxy.setDown(true);
    const err = await refusal(d.session.signIn({ email: student.email, password: student.password }));
    expect(err.code).toBe('offline');
    expect(err.details).toEqual({ reason: 'not_on_this_device' });
  });
});

describe('offline sign-in', () => {
  it('after an online sign-in, signs in offline with the right password and keeps studying; syncing waits for an online sign-in', async () => {
    const student = await server.user('student');
    const { d, proxy } = await enrolledDevice(student);
    const L = lessonsOf(course);
    const liveSessions = async () =>
      (
        await server.sql(
          'SELECT count(*)::int AS n FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL AND rotated_at IS NULL',
          [student.id],
        )
      )[0]?.n;
    const before = Number(await liveSessions());
    proxy.setDown(true);
    const out = await localCall<SessionState>(d, 'DELETE', '/api/session');
    expect(out.body).toMatchObject({ signedIn: false });

    const signedIn = await localCall<SessionState>(d, 'POST', '/api/session', {
      email: student.email.toUpperCase(),
      password: student.password,
    });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({
      signedIn: true,
      offline: true,
      syncSignInRequired: true,
      offlineSignIn: true,
      user: { id: student.id },
    });
    // The course and its structure are still here; studying records pending work.
    expect(d.learning.list().items.map((i) => i.courseId)).toEqual([course.id]);
    d.learning.complete(course.id, L.read);
    expect(pending(d, student.id)).toBe(1);

    // Back online: the app asks for an online sign-in, and the outbox waits.
    proxy.setDown(false);
    expect((await d.connectivity.check(0)).online).toBe(true);
    await d.sync.syncNow();
    expect(pending(d, student.id)).toBe(1);
    expect(d.sync.status().lastError).toContain('Sign in again to sync');
    const who = await d.session.whoAmI();
    expect(who).toMatchObject({ signedIn: true, offline: false, syncSignInRequired: true });
    // The session signed out offline was ended on the server at that contact.
    await expect.poll(liveSessions).toBe(before - 1);

    await d.session.signIn({ email: student.email, password: student.password });
    expect((await d.session.whoAmI()).syncSignInRequired).toBe(false);
    await d.sync.syncNow();
    expect(pending(d, student.id)).toBe(0);
  });

  it('refuses a wrong password offline, then throttles repeated failures', async () => {
    const student = await server.user('student');
    const { d, proxy } = await enrolledDevice(student);
    await d.session.signOut();
    proxy.setDown(true);
    const first = await refusal(d.session.signIn({ email: student.email, password: 'Not-The-Password-1' }));
    expect(first.code).toBe('invalid_credentials');
    expect(first.details).toMatchObject({ attemptsLeft: 4 });
    for (let i = 2; i <= 5; i++)
      await refusal(d.session.signIn({ email: student.email, password: `Not-The-Password-${i}` }));
    // Locked now: even the right password waits.
    const locked = await refusal(d.session.signIn({ email: student.email, password: student.password }));
    expect(locked.code).toBe('too_many_attempts');
    expect((locked.details as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(20);
    expect((await d.session.whoAmI()).signedIn).toBe(false);
    // The verifier is a slow salted hash, not the password.
    const row = d.store.sqlite
      .prepare('SELECT verifier FROM offline_verifiers WHERE user_id = ?')
      .get(student.id) as { verifier: string };
    expect(row.verifier).toMatch(/^scrypt\$131072\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(row.verifier).not.toContain(student.password);
  });

  it('tells a student who never signed in on this device that the first sign-in needs a connection', async () => {
    const student = await server.user('student');
    const { d, proxy } = await fleet.open();
    proxy.setDown(true);
    const r = await localCall<{ error: { code: string; message: string } }>(d, 'POST', '/api/session', {
      email: student.email,
      password: student.password,
    });
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('offline');
    expect(r.body.error.message).toContain('has not signed in on this device before');
  });
});
