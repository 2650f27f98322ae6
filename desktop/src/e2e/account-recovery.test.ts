import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { CourseDetail, StudentCourseProgress } from '@lyceum/contracts';
import { expectNoSeriousA11yViolations, launchChromium } from '@lyceum/testing';
import { type Device, stopAll } from '../test-support/devices.ts';
import { chromiumFor, enrollThroughUi, shot, startWebCore } from '../test-support/e2e.ts';
import { resetEmail } from '../test-support/mail.ts';
import { startProxy } from '../test-support/proxy.ts';
import { lessonsOf, studyCourse } from '../test-support/study-course.ts';
import { startSyncServer, type Account, type SyncServerProcess } from '../test-support/sync-server.ts';

const chromium = chromiumFor('desktop account recovery e2e');

describe.skipIf(!chromium)(
  'account creation, password recovery and offline sign-in in the desktop UI',
  () => {
    let server: SyncServerProcess;
    let proxy: Awaited<ReturnType<typeof startProxy>>;
    let core: Device;
    let browser: Browser;
    let page: Page;
    let existing: Account;
    let course: CourseDetail;
    const email = 'nora.new@desktop.test';
    let password = 'First-Passw0rd!';

    const signInWith = async (pw: string) => {
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password', { exact: true }).fill(pw);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    };
    const signOutOnline = async () => {
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await page.getByRole('heading', { name: 'Sign in to Lyceum' }).waitFor();
    };
    const serverLogin = (pw: string) =>
      server.api<{ accessToken: string }>('POST', '/api/v1/auth/login', { body: { email, password: pw } });

    beforeAll(async () => {
      server = await startSyncServer();
      const teacher = await server.user('instructor', 'Ada Teacher');
      course = await server.publishedCourse(teacher, studyCourse('Recovery 101'));
      existing = await server.user('student', 'Ella Existing');
      proxy = await startProxy(server.url);
      core = await startWebCore(proxy.url, 'lyceum-recovery-e2e-', {
        sync: { offlinePingMs: 1000, debounceMs: 200 },
      });
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    });

    afterAll(() => stopAll({ browser, core, proxy, server }));

    it('creates an account in the app: rules shown, server errors per field, then signed in', async () => {
      await page.goto(core.launchUrl);
      await page.getByRole('button', { name: 'Create an account' }).click();
      await page.getByRole('heading', { name: 'Create your Lyceum account' }).waitFor();
      await page.getByText('At least 10 characters').waitFor();
      await expectNoSeriousA11yViolations(page, 'create account');

      await page.getByLabel('Your name').fill('Nora New');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password', { exact: true }).fill('weakpass');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByText('This password does not meet the rules below.').waitFor();
      await page.getByText('Use at least 10 characters').waitFor();
      expect(await page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid')).toBe('true');

      await page.getByLabel('Email').fill(existing.email);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByText('An account with this email already exists.', { exact: false }).waitFor();
      expect(await page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
      await shot(page, 'account-01-create-errors');

      await page.getByLabel('Email').fill(email);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('heading', { name: 'Course catalog' }).waitFor();
      expect(await page.locator('.app-header__name').innerText()).toContain('Nora New');
      expect((await serverLogin(password)).status).toBe(200);
    });

    it('forgot password: the emailed link opens the server page, which resets it; the new password signs in', async () => {
      await signOutOnline();
      await page.getByRole('button', { name: 'Forgot password?' }).click();
      await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
      await page.getByLabel('Email').fill(email);
      await page.getByRole('button', { name: 'Email me a reset code' }).click();
      await page.getByText(`If an account uses ${email}, an email is on its way`, { exact: false }).waitFor();
      const mail = await resetEmail(server.dataDir, email);
      expect(mail.text).toContain(mail.code);

      // The link, in the browser: the server's page, used with the keyboard only.
      const web = await browser.newPage({ viewport: { width: 1024, height: 800 } });
      try {
        const res = await web.goto(mail.link);
        expect(res?.status()).toBe(200);
        await web.getByRole('heading', { name: 'Choose a new password' }).waitFor();
        await web.getByText('At least 10 characters').waitFor();
        await expectNoSeriousA11yViolations(web, 'reset page');
        // The new-password field has the focus; Tab goes on to the repeat field, Enter sends the form.
        await web.keyboard.type('short');
        await web.keyboard.press('Tab');
        await web.keyboard.type('short');
        await web.keyboard.press('Enter');
        await web.getByRole('alert').getByText('Use at least 10 characters').waitFor();
        await expectNoSeriousA11yViolations(web, 'reset page with problems');
        password = 'Second-Passw0rd!';
        await web.keyboard.type(password);
        await web.keyboard.press('Tab');
        await web.keyboard.type(password);
        await web.keyboard.press('Enter');
        await web.getByRole('heading', { name: 'Your password was changed' }).waitFor();
        await shot(web, 'account-02-reset-page-done');
        // The link works once.
        await web.goto(mail.link);
        await web.getByLabel('New password', { exact: true }).fill('Third-Passw0rd!');
        await web.getByLabel('Repeat the new password').fill('Third-Passw0rd!');
        await web.getByRole('button', { name: 'Set the new password' }).click();
        await web.getByText('invalid, already used or expired', { exact: false }).waitFor();
      } finally {
        await web.close();
      }

      await page.getByRole('button', { name: 'Back to sign in' }).click();
      await signInWith('First-Passw0rd!');
      await page.getByText('That email and password do not match an account.').waitFor();
      await signInWith(password);
      await page.getByRole('heading', { name: 'Course catalog' }).waitFor();
    });

    it('forgot password: the code pasted into the app sets a new password, shown with the rules and the result', async () => {
      await signOutOnline();
      await page.getByRole('button', { name: 'Forgot password?' }).click();
      await page.getByLabel('Email').fill(email);
      // The email of the test before is still there: wait for this request's one.
      const requestedAt = Date.now();
      await page.getByRole('button', { name: 'Email me a reset code' }).click();
      await page.getByLabel('Code from the email').waitFor();
      await expectNoSeriousA11yViolations(page, 'reset code form');
      const mail = await resetEmail(server.dataDir, email, 10_000, requestedAt);
      await page.getByLabel('Code from the email').fill('not-the-right-code-at-all');
      await page.getByLabel('New password', { exact: true }).fill('Third-Passw0rd!');
      await page.getByLabel('Repeat the new password').fill('Third-Passw0rd!');
      await page.getByRole('button', { name: 'Set the new password' }).click();
      await page.getByText('This code is invalid, already used or expired.', { exact: false }).waitFor();
      await page.getByLabel('Code from the email').fill(mail.code);
      await page.getByRole('button', { name: 'Set the new password' }).click();
      await page.getByText('Your password was changed, and every device', { exact: false }).waitFor();
      password = 'Third-Passw0rd!';
      await shot(page, 'account-03-reset-in-app');
      await signInWith(password);
      await page.getByRole('heading', { name: 'Course catalog' }).waitFor();
    });

    it('signing out offline warns first; offline sign-in then opens the offline course with the pending work', async () => {
      const L = lessonsOf(course);
      await enrollThroughUi(page, core.url, course.id);
      await page.getByRole('switch', { name: 'Keep this course on this device' }).check();
      await expect
        .poll(() => page.getByTestId('offline-state').innerText(), { timeout: 20_000 })
        .toContain('Ready');

      proxy.setDown(true);
      await expect.poll(async () => (await core.connectivity.check(0)).online).toBe(false);
      await page.getByRole('link', { name: 'Read me', exact: true }).click();
      await page.getByRole('button', { name: 'Mark complete' }).click();
      await page.getByTestId('lesson-completed').waitFor();
      await expect.poll(() => core.sync.status().pending).toBe(1);

      // The warning: what is pending, what will be unavailable; Escape keeps the student signed in.
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Sign out while offline?' });
      await dialog.waitFor();
      await dialog.getByText('1 change is waiting to sync.', { exact: false }).waitFor();
      await dialog
        .getByText('You can sign in again on this device without a connection', { exact: false })
        .waitFor();
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Stay signed in');
      await expectNoSeriousA11yViolations(page, 'offline sign-out warning');
      await shot(page, 'account-04-offline-sign-out');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      expect(await page.locator('.app-header__name').innerText()).toContain('Nora New');
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await dialog.waitFor();
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Sign in to Lyceum' }).waitFor();
      await page
        .getByText('You are offline. If you have signed in on this device before', { exact: false })
        .waitFor();

      // Offline sign-in: a wrong password is refused clearly, the right one opens the student's offline course.
      await signInWith('Not-My-Passw0rd!');
      await page
        .getByText('that password does not match the one last used on this device', { exact: false })
        .waitFor();
      await signInWith(password);
      // Back where the student was (the lesson), signed in on this device only.
      await page.getByRole('heading', { level: 1, name: 'Read me' }).waitFor();
      await page.getByTestId('lesson-completed').waitFor();
      await page.getByText('You signed in without a connection.', { exact: false }).waitFor();
      await page.getByRole('link', { name: 'My Learning' }).click();
      await page.getByRole('link', { name: course.title }).click();
      await page.getByRole('heading', { level: 1, name: course.title }).waitFor();
      await page.getByRole('link', { name: 'Read more', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Read more' }).waitFor();
      expect(core.sync.status().pending).toBe(1);
      await shot(page, 'account-05-offline-signed-in');

      // Back online: the app asks for an online sign-in; the waiting change syncs after it.
      proxy.setDown(false);
      await page.getByText('Sign in again to sync.').waitFor({ timeout: 20_000 });
      await expectNoSeriousA11yViolations(page, 'sign in again to sync');
      await page.getByLabel(`Password for ${email}`).fill(password);
      await page.getByRole('button', { name: 'Sign in to sync' }).click();
      await page.getByText('Sign in again to sync.').waitFor({ state: 'hidden' });
      await expect.poll(() => core.sync.status().pending, { timeout: 15_000 }).toBe(0);
      const token = (await serverLogin(password)).body.accessToken;
      const progress = await server.api<StudentCourseProgress>(
        'GET',
        `/api/v1/me/courses/${course.id}/progress`,
        {
          token,
        },
      );
      expect(progress.body.lessons.filter((l) => l.completed).map((l) => l.lessonId)).toEqual([L.read]);
    });
  },
);
