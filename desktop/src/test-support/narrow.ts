import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';

/** A phone-sized window: 390 CSS pixels wide (an iPhone 12–15 held upright). */
export const PHONE = { width: 390, height: 844 } as const;

/** How far the page scrolls sideways (0 when everything fits the window's width). */
export const sidewaysOverflow = (page: Page): Promise<number> =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** Nothing makes the page scroll sideways. */
export async function expectNoSidewaysScroll(page: Page, what: string): Promise<void> {
  expect(await sidewaysOverflow(page), `${what}: the page scrolls sideways`).toBeLessThanOrEqual(0);
}

/**
 * Each control can be scrolled to and then lies wholly inside the window's width (not cut off at the right edge or
 * hidden behind something else), so a finger or a keyboard user can reach it.
 */
export async function expectReachable(page: Page, controls: Locator[], what: string): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.clientWidth);
  for (const c of controls) {
    await c.scrollIntoViewIfNeeded();
    const box = await c.boundingBox();
    expect(box, `${what}: a control is not shown`).not.toBeNull();
    expect(box!.x, `${what}: a control starts left of the window`).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, `${what}: a control ends past the window`).toBeLessThanOrEqual(width + 0.5);
    // The control itself (or something inside it) is what is under its centre: nothing covers it.
    const onTop = await c.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return (
        hit !== null &&
        (el === hit || el.contains(hit) || hit.contains(el) || el.closest('label')?.contains(hit) === true)
      );
    });
    expect(onTop, `${what}: a control is covered`).toBe(true);
  }
}
