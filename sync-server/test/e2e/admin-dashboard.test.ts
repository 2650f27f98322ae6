import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { LYCEUM_ACCOUNT_HOME, VERBS, activityIri } from '@lyceum/contracts';
import { expectNoSeriousA11yViolations, findChromium, launchChromium } from '@lyceum/testing';
import { ensureConsoleBuilt } from '../../console/build.ts';
import { startTestServer, type TestServer } from '../harness.ts';

const chromium = findChromium();
if (!chromium)
  console.warn('[admin dashboard e2e] skipped: no Chromium found (install the Debian package chromium)');

/** Completed-lesson statements of one learner on one course, as the desktop app uploads them. */
function completions(userId: string, courseId: string, lessons: string[]) {
  const at = Date.now() - 60_000;
  return lessons.map((lessonId, i) => ({
    id: randomUUID(),
    actor: { account: { homePage: LYCEUM_ACCOUNT_HOME, name: userId } },
    verb: { id: VERBS.completed },
    object: { id: activityIri.lesson(courseId, lessonId) },
    result: { completion: true },
    context: { contextActivities: { parent: [{ id: activityIri.course(courseId) }] } },
    timestamp: new Date(at + i * 1000).toISOString(),
  }));
}

describe.skipIf(!chromium)('admin console: the live analytics dashboard in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  let admin: Awaited<ReturnType<TestServer['user']>>;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    t = await startTestServer();
    admin = await t.user('admin', 'Ada Admin');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const tile = (label: string) =>
    page.getByRole('group', { name: label, exact: true }).locator('.lx-stat-value');

  it('refuses students and instructors, and lets an admin in', async () => {
    const student = await t.user('student');
    await page.goto(`${t.url}/admin/`);
    await page.getByLabel('Email').fill(student.email);
    await page.getByLabel('Password').fill(student.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('for administrators');
    await expectNoSeriousA11yViolations(page, 'console sign-in, refused');

    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Learning analytics' }).waitFor();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Live' }).count()).toBe(1);
    await expectNoSeriousA11yViolations(page, 'console dashboard');
  });

  it('updates its figures within 2 seconds of events arriving, without a reload', async () => {
    const before = Number(await tile('Events').getAttribute('data-value'));
    const learner = await t.user('student', 'Lin Learner');
    const courseId = randomUUID();
    const batch = completions(learner.id, courseId, [randomUUID(), randomUUID(), randomUUID()]);
    const sent = Date.now();
    const res = await t.api('POST', '/api/v1/analytics/events', {
      token: learner.token,
      body: { deviceId: 'e2e-device', sentAt: new Date().toISOString(), statements: batch },
    });
    expect(res.status).toBe(200);
    await expect
      .poll(async () => Number(await tile('Events').getAttribute('data-value')), {
        timeout: 2000,
        interval: 50,
      })
      .toBe(before + 3);
    const tookMs = Date.now() - sent;
    console.log(`[admin dashboard e2e] events visible on the dashboard ${tookMs} ms after the upload`);
    expect(Number(await tile('Active learners now').getAttribute('data-value'))).toBeGreaterThanOrEqual(1);
    await expect.poll(() => page.locator('.lx-chart-title', { hasText: 'Events per day' }).count()).toBe(1);
    await expectNoSeriousA11yViolations(page, 'console dashboard with figures');
  });

  it('changes the range with the picker and keeps the figures consistent', async () => {
    await page.getByRole('combobox', { name: 'Time range' }).selectOption('1h');
    await expect
      .poll(async () => Number(await tile('Events').getAttribute('data-value')))
      .toBeGreaterThanOrEqual(3);
    await page.getByRole('combobox', { name: 'Time range' }).selectOption('custom');
    await page.getByLabel('From', { exact: true }).fill('2020-01-01');
    await page.getByLabel('To', { exact: true }).fill('2020-01-31');
    await expect.poll(async () => Number(await tile('Events').getAttribute('data-value'))).toBe(0);
  });

  it('speaks French once Français is picked, at once and after a reload, charts included', async () => {
    await page.getByRole('combobox', { name: 'Language' }).selectOption({ label: 'Français' });
    await page.getByRole('heading', { name: 'Statistiques d’apprentissage' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await page.getByRole('combobox', { name: 'Période' }).selectOption('7d');
    await expect
      .poll(async () => Number(await tile('Événements').getAttribute('data-value')))
      .toBeGreaterThanOrEqual(3);
    await page.locator('.lx-chart-title', { hasText: 'Événements par jour' }).waitFor();
    await page.getByText('Afficher les données').first().waitFor();
    await page.getByRole('button', { name: 'Se déconnecter' }).waitFor();

    await page.reload();
    await page.getByRole('heading', { name: 'Statistiques d’apprentissage' }).waitFor();
    await page.getByRole('combobox', { name: 'Langue' }).selectOption({ label: 'Español' });
    await page.getByRole('heading', { name: 'Analíticas de aprendizaje' }).waitFor();
    await page.getByRole('combobox', { name: 'Idioma' }).selectOption({ index: 0 });
    await page.getByRole('heading', { name: 'Learning analytics' }).waitFor();
  });
});
