import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { expectNoSeriousA11yViolations, launchChromium } from '@lyceum/testing';
import { chromiumFor, shot, startWebCore } from '../test-support/e2e.ts';
import { type Device, stopAll } from '../test-support/devices.ts';
import { startSyncServer, type Account, type SyncServerProcess } from '../test-support/sync-server.ts';

const chromium = chromiumFor('desktop e2e');

describe.skipIf(!chromium)('desktop web mode in Chromium', () => {
  let server: SyncServerProcess;
  let core: Device;
  let browser: Browser;
  let page: Page;
  let student: Account;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    server = await startSyncServer();
    const teacher = await server.user('instructor', 'Grace Hopper');
    const lessons = [
      { title: 'Welcome', kind: 'text' as const, body: 'Hello', isPreview: true, durationMinutes: 5 },
      { title: 'Variables and types', kind: 'text' as const, body: 'Text', durationMinutes: 20 },
    ];
    await server.publishedCourse(teacher, {
      title: 'Python for data science',
      subject: 'Programming',
      description: 'Learn Python with real data sets.\nNo experience needed.',
      tags: ['python', 'data'],
      modules: [
        { title: 'Foundations', lessons },
        { title: 'Working with data', lessons: [{ title: 'Tables', kind: 'text', body: 'x' }] },
      ],
    });
    await server.publishedCourse(teacher, {
      title: 'Advanced statistics',
      subject: 'Mathematics',
      level: 'advanced',
      price: { amountCents: 4900, currency: 'USD' },
      modules: [{ title: 'Inference', lessons }],
    });
    for (let i = 1; i <= 21; i++) {
      await server.publishedCourse(teacher, {
        title: `Gardening ${i}`,
        subject: 'Gardening',
        modules: [{ title: 'Soil', lessons }],
      });
    }
    student = await server.user('student', 'Sam Student');
    core = await startWebCore(server.url, 'lyceum-desktop-e2e-');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
  });

  afterAll(() => stopAll({ browser, core, server }));

  it('refuses a page opened without the launch link', async () => {
    await page.goto(core.url + '/');
    await page.getByRole('heading', { name: 'Open Lyceum from its link' }).waitFor();
    await expectNoSeriousA11yViolations(page, 'launch link required');
  });

  it('signs in from the launch link', async () => {
    await page.goto(core.launchUrl);
    expect(page.url()).toBe(core.url + '/');
    await page.getByRole('heading', { name: 'Sign in to Lyceum' }).waitFor();
    await page.getByLabel('Email').fill(student.email);
    await page.getByLabel('Password').fill('wrong-password-123');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That email and password do not match an account.').waitFor();
    await expectNoSeriousA11yViolations(page, 'sign-in with an error');
    await page.getByLabel('Password').fill(student.password);
    await shot(page, '01-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Course catalog' }).waitFor();
    await expect.poll(() => page.locator('.app-header__name').innerText()).toContain('Sam Student');
    await expect.poll(() => page.getByTestId('connectivity').innerText()).toContain('Online');
  });

  it('browses the catalog: counts, load more, search, filters and sort', async () => {
    await page.getByRole('heading', { name: '23 courses' }).waitFor();
    const cards = page.locator('.course-card');
    await expect.poll(() => cards.count()).toBe(20);
    await expectNoSeriousA11yViolations(page, 'catalog');
    await shot(page, '02-catalog');
    await page.getByRole('button', { name: 'Load more courses' }).click();
    await expect.poll(() => cards.count()).toBe(23);
    // Focus lands on the first course that was added.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent ?? ''))
      .toMatch(/Gardening|Python|statistics/);

    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('catalog-search');
    await page.keyboard.type('pyth');
    await page.getByRole('heading', { name: '1 course', exact: true }).waitFor();
    expect(await cards.first().innerText()).toContain('Python for data science');
    expect(page.url()).toContain('q=pyth');
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: '23 courses' }).waitFor();

    await page.getByRole('radio', { name: /Paid/ }).check();
    await page.getByRole('heading', { name: '1 course', exact: true }).waitFor();
    expect(await cards.first().innerText()).toContain('Advanced statistics');
    expect(await page.getByRole('radio', { name: /Advanced/ }).isEnabled()).toBe(true);
    expect(await page.getByRole('radio', { name: /Beginner/ }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Clear all' }).click();
    await page.getByRole('heading', { name: '23 courses' }).waitFor();
    await page.getByRole('combobox', { name: 'Sort by' }).selectOption('popularity');
    await expect.poll(() => page.url()).toContain('sort=popularity');
  });

  it('opens a course: modules, lessons, instructors, price', async () => {
    await page.getByLabel('Search courses').fill('python');
    await page.getByRole('heading', { name: '1 course', exact: true }).waitFor();
    await page.getByRole('link', { name: 'Python for data science' }).click();
    await page.getByRole('heading', { level: 1, name: 'Python for data science' }).waitFor();
    await page.getByText('Taught by Grace Hopper').waitFor();
    await page.getByRole('heading', { name: /Module 2\s+Working with data/ }).waitFor();
    expect(await page.locator('.lesson').count()).toBe(3);
    expect(await page.locator('.course__facts').innerText()).toContain('Free');
    await expectNoSeriousA11yViolations(page, 'course page');
    await shot(page, '03-course');
  });

  it('keeps working offline when the server stops: indicator, saved catalog, saved course', async () => {
    await server.stop();
    await page.getByRole('link', { name: 'Back to catalog' }).click();
    await expect
      .poll(() => page.getByTestId('connectivity').innerText(), { timeout: 15_000 })
      .toContain('Offline — showing saved catalog');
    await page.getByText(/You are offline\. Showing the 23 courses saved on this device/).waitFor();
    await page.getByRole('heading', { name: '1 course', exact: true }).waitFor();
    await page.getByLabel('Search courses').fill('');
    await page.getByRole('heading', { name: '23 courses' }).waitFor();
    await expectNoSeriousA11yViolations(page, 'catalog offline');
    await shot(page, '04-offline-catalog');
    await page.getByLabel('Search courses').fill('python');
    await page.getByRole('link', { name: 'Python for data science' }).click();
    await page.getByText(/This is the copy saved on this device/).waitFor();
    expect(await page.locator('.lesson').count()).toBe(3);
    await expectNoSeriousA11yViolations(page, 'course page offline');
    await page.getByRole('link', { name: 'Back to catalog' }).click();
    await page.getByLabel('Search courses').fill('statistics');
    await page.getByRole('link', { name: 'Advanced statistics' }).click();
    await page.getByRole('heading', { level: 1, name: 'Not saved on this device' }).waitFor();
    await expectNoSeriousA11yViolations(page, 'course not saved on this device');
    await shot(page, '05-offline-not-saved');
  });

  it('reloads offline as the same user, with no CSP violations on the way', async () => {
    await page.goto(core.url + '/');
    await page.getByRole('heading', { name: 'Course catalog' }).waitFor();
    expect(await page.locator('.app-header__name').innerText()).toContain('Sam Student');
    expect(cspErrors).toEqual([]);
  });

  it('stays readable at 200% zoom: the layout reflows to one column without sideways scrolling', async () => {
    // 200% zoom of a 1280×900 window is a 640×450 CSS-pixel viewport.
    await page.setViewportSize({ width: 640, height: 450 });
    const overflow = () =>
      page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await page.getByRole('heading', { name: 'Course catalog' }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    const filters = await page.locator('.filters').boundingBox();
    const results = await page.locator('.results').boundingBox();
    expect(results!.y).toBeGreaterThan(filters!.y + filters!.height - 1);
    await expectNoSeriousA11yViolations(page, 'catalog at 200 % zoom');
    await shot(page, '06-zoom-catalog');
    await page.getByLabel('Search courses').fill('python');
    await page.getByRole('link', { name: 'Python for data science' }).click();
    await page.getByRole('heading', { level: 1, name: 'Python for data science' }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await shot(page, '07-zoom-course');
  });
});
