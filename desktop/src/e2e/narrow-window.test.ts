import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { CourseDetail } from '@lyceum/contracts';
import { expectNoSeriousA11yViolations, launchChromium } from '@lyceum/testing';
import { type Device, stopAll } from '../test-support/devices.ts';
import { chromiumFor, shot, startWebCore } from '../test-support/e2e.ts';
import { startProxy, type Proxy } from '../test-support/proxy.ts';
import { lessonsOf, studyCourse } from '../test-support/study-course.ts';
import { startSyncServer, type Account, type SyncServerProcess } from '../test-support/sync-server.ts';

const chromium = chromiumFor('desktop narrow-window e2e');

/** The catalog and the header in narrow windows (800 px, 200 % zoom) and in a laptop window while offline. */
describe.skipIf(!chromium)('narrow windows: courses first, filters behind a toggle (Chromium)', () => {
  let server: SyncServerProcess;
  let proxy: Proxy;
  let core: Device;
  let browser: Browser;
  let student: Account;
  let course: CourseDetail;
  const contexts: BrowserContext[] = [];

  /** A signed-in window of this size; `zoom` is the page zoom (device pixels per CSS pixel). */
  const open = async (width: number, height: number, zoom = 1): Promise<Page> => {
    const ctx = await browser.newContext({
      viewport: { width: width / zoom, height: height / zoom },
      deviceScaleFactor: zoom,
    });
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(core.launchUrl);
    await page.getByRole('heading', { name: 'Course catalog' }).waitFor();
    await page.locator('.course-card').first().waitFor();
    return page;
  };
  const toggle = (page: Page) => page.getByRole('button', { name: /^Filters/ });
  /** Where the first course card starts, and where its title ends (CSS pixels from the top of the window). */
  const firstCourse = async (page: Page) => {
    const card = (await page.locator('.course-card').first().boundingBox())!;
    const title = (await page.locator('.course-card__title').first().boundingBox())!;
    return { top: card.y, titleBottom: title.y + title.height };
  };

  beforeAll(async () => {
    server = await startSyncServer();
    proxy = await startProxy(server.url);
    const teacher = await server.user('instructor', 'Ada Teacher');
    course = await server.publishedCourse(teacher, studyCourse('Offline study 101'));
    const subjects = ['Mathematics', 'Programming', 'History', 'Gardening'];
    for (const [i, subject] of subjects.entries())
      await server.publishedCourse(teacher, {
        title: `${subject} for everyone`,
        subject,
        level: i % 2 ? 'advanced' : 'beginner',
        modules: [{ title: 'Start', lessons: [{ title: 'Welcome', kind: 'text', body: 'Hello' }] }],
      });
    // A long name and a change waiting to sync: the header's longest realistic content.
    student = await server.user('student', 'Maximiliana Montgomery-Fairweather');
    core = await startWebCore(proxy.url, 'lyceum-desktop-narrow-', {
      sync: { offlinePingMs: 1000, debounceMs: 200 },
    });
    await core.session.signIn({ email: student.email, password: student.password });
    await core.learning.enroll(course.id);
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    for (const ctx of contexts) await ctx.close();
    await stopAll({ browser, core, proxy, server });
  });

  it('shows the first course within the first screen at 800×900, the filters folded behind a toggle', async () => {
    const page = await open(800, 900);
    const first = await firstCourse(page);
    console.log(`[narrow-window] 800×900: the first course starts at ${first.top} px`);
    expect(first.titleBottom).toBeLessThan(900);
    expect(await toggle(page).getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByRole('radiogroup', { name: 'Price' }).count()).toBe(0);
    expect(await page.getByRole('group', { name: 'Price' }).isVisible()).toBe(false);
    await expectNoSeriousA11yViolations(page, 'catalog at 800 px, filters folded');
    await shot(page, 'narrow-01-800');
  });

  it('shows the first course within the first screen at 1280×800 and 200 % zoom', async () => {
    const page = await open(1280, 800, 2);
    const screen = page.viewportSize()!;
    expect(screen).toEqual({ width: 640, height: 400 });
    const first = await firstCourse(page);
    console.log(
      `[narrow-window] 1280×800 at 200 %: the first course starts at ${first.top} of ${screen.height} px`,
    );
    // Its title is readable without scrolling.
    expect(first.titleBottom).toBeLessThan(screen.height);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(640);
    await shot(page, 'narrow-02-zoom');
  });

  it('opens and closes the filters from the keyboard, says how many are active, and handles focus', async () => {
    const page = await open(1280, 800, 2);
    const price = page.getByRole('group', { name: 'Price' });
    // Tab from the search box reaches the toggle first (the folded filters take no stops).
    await page.getByLabel('Search courses').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Filters');
    await page.keyboard.press('Enter');
    expect(await toggle(page).getAttribute('aria-expanded')).toBe('true');
    expect(await price.isVisible()).toBe(true);
    await expectNoSeriousA11yViolations(page, 'catalog at 200 % zoom, filters open');
    // Into the filters: the first option of Price, then arrow to "Free".
    await page.keyboard.press('Tab');
    expect(
      await page
        .getByRole('radio', { name: /^Any/ })
        .first()
        .evaluate((e) => e === document.activeElement),
    ).toBe(true);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.url()).toContain('price=free');
    await toggle(page).filter({ hasText: 'Filters (1 active)' }).waitFor();
    // Escape folds them and gives focus back to the toggle.
    await page.keyboard.press('Escape');
    expect(await toggle(page).getAttribute('aria-expanded')).toBe('false');
    expect(await price.isVisible()).toBe(false);
    expect(await toggle(page).evaluate((e) => e === document.activeElement)).toBe(true);
    // Space opens them again; Enter on the toggle folds them.
    await page.keyboard.press('Space');
    expect(await price.isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    expect(await price.isVisible()).toBe(false);
    expect(await toggle(page).innerText()).toBe('Filters (1 active)');
    await shot(page, 'narrow-03-toggle');
  });

  it('keeps the filters as a column with no toggle in a wide window', async () => {
    const page = await open(1280, 800);
    expect(await toggle(page).isVisible()).toBe(false);
    expect(await page.getByRole('group', { name: 'Price' }).isVisible()).toBe(true);
    const filters = (await page.locator('.filters').boundingBox())!;
    const card = (await page.locator('.course-card').first().boundingBox())!;
    expect(card.x).toBeGreaterThan(filters.x + filters.width - 1);
  });

  it('keeps the header on one line at 1280 px when offline, with a change waiting to sync', async () => {
    const page = await open(1280, 800);
    const header = page.locator('.app-header');
    // How far apart the middles of the header's items are (0 on one line), and whether anything sticks out.
    const oneLine = () =>
      header.evaluate((h) => {
        const items = [...h.children]
          .flatMap((c) => (getComputedStyle(c).display === 'contents' ? [...c.children] : [c]))
          .filter((c) => c.getClientRects().length > 0)
          .map((c) => c.getBoundingClientRect());
        const mids = items.map((r) => r.top + r.height / 2);
        return Math.max(...mids) - Math.min(...mids);
      });
    const overflow = () => header.evaluate((h) => h.scrollWidth - h.clientWidth);
    await expect.poll(() => page.getByTestId('connectivity').innerText()).toContain('Online');
    const online = (await header.boundingBox())!.height;
    expect(await oneLine()).toBeLessThan(4);

    proxy.setDown(true);
    const L = lessonsOf(course);
    core.learning.complete(course.id, L.read);
    await page.reload();
    await expect
      .poll(() => page.getByTestId('connectivity').innerText(), { timeout: 15_000 })
      .toContain('Offline');
    await expect.poll(() => page.getByTestId('sync-summary').innerText(), { timeout: 15_000 }).toMatch(/1/);
    await expectNoSeriousA11yViolations(page, 'catalog offline at 1280 px');
    await shot(page, 'narrow-04-header-offline');
    expect((await header.boundingBox())!.height).toBe(online);
    expect(await oneLine()).toBeLessThan(4);
    expect(await overflow()).toBeLessThanOrEqual(0);
    // What is cut visually is still said in full.
    expect(await page.getByTestId('connectivity').innerText()).toContain('Offline — showing saved catalog');
    expect(await page.locator('.app-header__name').innerText()).toContain(
      'Maximiliana Montgomery-Fairweather',
    );
    proxy.setDown(false);
  });
});
