import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { CourseDetail, VoucherBatchCreated } from '@lyceum/contracts';
import { expectNoSeriousA11yViolations, launchChromium } from '@lyceum/testing';
import { chromiumFor, shot, signInThroughUi, startWebCore } from '../test-support/e2e.ts';
import { stopAll, type Device } from '../test-support/devices.ts';
import { buyOnServer, paidCourse, serverHasPayments } from '../test-support/payments.ts';
import { startProxy, type Proxy } from '../test-support/proxy.ts';
import {
  removeDir,
  startSyncServer,
  type Account,
  type SyncServerProcess,
} from '../test-support/sync-server.ts';

const chromium = chromiumFor('desktop offline-voucher e2e');

/** Poll (in set-up, where expect.poll is not available). */
async function until(ok: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A school's voucher redeemed offline: the server is stopped, a student types the code, the course opens at once and
 * they study; back online the redemption is applied once. A second student's device redeemed the same code offline:
 * the server refuses it there (voucher_used) and the course locks again on that device, its progress kept.
 */
describe.skipIf(!chromium || !serverHasPayments)('offline voucher end to end (web mode in Chromium)', () => {
  let server: SyncServerProcess;
  let browser: Browser;
  let course: CourseDetail;
  let code: string;
  let proxyB: Proxy;
  const dev: { a?: Device; b?: Device } = {};
  const pages: { a?: Page; b?: Page } = {};
  const who: { a?: Account; b?: Account } = {};

  const summary = (p: Page) => p.getByTestId('sync-summary').innerText();
  const lessonId = (title: string) =>
    course.modules.flatMap((m) => m.lessons).find((l) => l.title === title)!.id;

  async function redeemAndStudy(p: Page, core: Device): Promise<void> {
    await p.goto(`${core.url}/courses/${course.id}`);
    await p.getByRole('heading', { level: 1, name: course.title }).waitFor();
    await p.getByLabel('Coupon or voucher code').fill(code.toLowerCase());
    await p.getByRole('button', { name: 'Redeem', exact: true }).click();
    await p.waitForURL(`${core.url}/learn/${course.id}`);
    await p.getByRole('link', { name: 'Welcome', exact: true }).click();
    await p.getByRole('heading', { level: 1, name: 'Welcome' }).waitFor();
    await p.getByRole('button', { name: 'Mark complete' }).click();
    await p.getByTestId('lesson-completed').waitFor();
  }

  beforeAll(async () => {
    server = await startSyncServer();
    const teacher = await server.user('instructor', 'Vera Voucher');
    course = await server.publishedCourse(teacher, paidCourse('School course', 4900));
    const batch = await server.api<VoucherBatchCreated>(
      'POST',
      `/api/v1/courses/${course.id}/voucher-batches`,
      {
        token: teacher.token,
        body: { count: 3 },
      },
    );
    expect(batch.status).toBe(201);
    code = batch.body.codes[0]!;
    who.a = await server.user('student', 'Ana First');
    who.b = await server.user('student', 'Ben Second');
    const fast = { offlinePingMs: 1000, debounceMs: 100 };
    dev.a = await startWebCore(server.url, 'lyceum-desktop-voucher-a-', { sync: fast });
    proxyB = await startProxy(server.url);
    dev.b = await startWebCore(proxyB.url, 'lyceum-desktop-voucher-b-', { sync: fast });
    browser = await launchChromium();
    for (const k of ['a', 'b'] as const) {
      const p = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      pages[k] = p;
      await p.goto(dev[k]!.launchUrl);
      await signInThroughUi(p, who[k]!);
      // Opened once online: the course's outline is on the device (and the verifier list was fetched at sign-in).
      await p.goto(`${dev[k]!.url}/courses/${course.id}`);
      await p.getByTestId('purchase').waitFor();
      await until(() => dev[k]!.payments.verifiers.syncedAt() !== null, 'the verifier list on the device');
    }
  });

  afterAll(async () => {
    await browser?.close();
    for (const d of [dev.a, dev.b]) {
      await d?.close();
      if (d) removeDir(d.dataDir);
    }
    await proxyB?.close();
    await stopAll({ server });
  });

  it('with the server stopped, a student redeems the code, the course opens at once and they study', async () => {
    await server.stop();
    proxyB.setDown(true);
    const a = pages.a!;
    await expect.poll(() => summary(a), { timeout: 15_000 }).toContain('Offline');
    await redeemAndStudy(a, dev.a!);
    await expectNoSeriousA11yViolations(a, 'lesson studied with a voucher, offline');
    // The paid part was never sent to this device: it says so, and comes with the next sync.
    await a.getByRole('link', { name: 'Next lesson' }).click();
    await a.getByRole('heading', { level: 1, name: 'Chapter one' }).waitFor();
    await a.getByText('This lesson’s text is not on this device yet.', { exact: false }).waitFor();
    await a.goto(`${dev.a!.url}/courses/${course.id}`);
    await a.getByText('Unlocked with your voucher on this device.', { exact: false }).waitFor();
    await a.getByTestId('study-link').waitFor();
    await expectNoSeriousA11yViolations(a, 'course unlocked by a voucher, offline');
    await shot(a, '70-voucher-offline');
    // The other student, also offline, redeems the same code on their own device.
    await redeemAndStudy(pages.b!, dev.b!);
  });

  it('server back: the redemption is applied once, with the progress made offline', async () => {
    await server.restart();
    await expect.poll(() => summary(pages.a!), { timeout: 30_000 }).toBe('All changes synced');
    const redemptions = await server.sql(
      'SELECT user_id, via FROM voucher_redemptions WHERE course_id = $1',
      [course.id],
    );
    expect(redemptions).toEqual([{ user_id: who.a!.id, via: 'sync' }]);
    expect(
      await server.sql('SELECT status, source FROM enrollments WHERE user_id = $1 AND course_id = $2', [
        who.a!.id,
        course.id,
      ]),
    ).toEqual([{ status: 'active', source: 'voucher' }]);
    const progress = await server.sql(
      'SELECT completed FROM lesson_progress WHERE user_id = $1 AND lesson_id = $2',
      [who.a!.id, lessonId('Welcome')],
    );
    expect(progress).toEqual([{ completed: true }]);
    // Now the whole course is there: the chapter behind the purchase reads.
    const a = pages.a!;
    await a.goto(`${dev.a!.url}/learn/${course.id}/lessons/${lessonId('Chapter one')}`);
    await expect
      .poll(() => a.getByText('The part you pay for.').count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
  });

  it('the second device gets the rejection, and the course locks there with its progress kept', async () => {
    const b = pages.b!;
    proxyB.setDown(false);
    await b.goto(`${dev.b!.url}/courses/${course.id}`);
    await expect
      .poll(
        () =>
          b
            .getByTestId('course-lock')
            .innerText()
            .catch(() => ''),
        { timeout: 30_000 },
      )
      .toContain('already used');
    await b.getByRole('button', { name: 'Buy', exact: true }).waitFor();
    expect(await b.getByTestId('study-link').count()).toBe(0);
    await expectNoSeriousA11yViolations(b, 'course locked again after a refused voucher');
    await b.emulateMedia({ colorScheme: 'dark' });
    await expectNoSeriousA11yViolations(b, 'course locked again, dark');
    await b.emulateMedia({ colorScheme: 'light' });
    await shot(b, '71-voucher-refused');
    // Studying it is refused on the device now, but the progress made offline is still there.
    const view = dev.b!.learning.course(course.id);
    expect(view.lessons[lessonId('Welcome')]?.completed).toBe(true);
    expect(() => dev.b!.learning.lesson(course.id, lessonId('Welcome'))).toThrow(/Enroll/);
    // The server applied nothing for the second student: no enrollment, no redemption, the progress held back.
    expect(
      await server.sql('SELECT status FROM enrollments WHERE user_id = $1 AND course_id = $2', [
        who.b!.id,
        course.id,
      ]),
    ).toEqual([]);
    expect(
      await server.sql('SELECT count(*)::int AS n FROM voucher_redemptions WHERE course_id = $1', [
        course.id,
      ]),
    ).toEqual([{ n: 1 }]);
    expect(dev.b!.sync.outbox.pendingCount(who.b!.id)).toBe(1);
  });

  it('a later purchase on the second device loses nothing: the lock lifts and the held progress reaches the server', async () => {
    await buyOnServer(server, who.b!, course.id);
    await dev.b!.sync.syncNow();
    await expect
      .poll(
        async () => {
          await dev.b!.sync.syncNow();
          return server.sql('SELECT completed FROM lesson_progress WHERE user_id = $1 AND lesson_id = $2', [
            who.b!.id,
            lessonId('Welcome'),
          ]);
        },
        { timeout: 15_000 },
      )
      .toEqual([{ completed: true }]);
    expect(dev.b!.payments.course(course.id)).toMatchObject({ unlocked: true, lock: null });
    expect(dev.b!.sync.outbox.pendingCount(who.b!.id)).toBe(0);
  });
});
