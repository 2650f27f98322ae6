import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { expectNoSeriousA11yViolations } from './a11y.ts';
import { findChromium, launchChromium } from './chromium.ts';

const page = `<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>Title</h1>`;

describe.skipIf(!findChromium())('expectNoSeriousA11yViolations', () => {
  let browser: Browser;
  let tab: Page;
  beforeAll(async () => {
    browser = await launchChromium();
    tab = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('passes a page without serious violations', async () => {
    await tab.setContent(`${page}<p style="color:#1a1a1a;background:#fff">Readable</p></main></body></html>`);
    await expectNoSeriousA11yViolations(tab, 'clean page');
  });

  it('fails on low contrast and names the rule, the screen and the element', async () => {
    await tab.setContent(
      `${page}<span class="badge" style="color:#fff;background:#4ade80">Done</span></main></body></html>`,
    );
    const error = await expectNoSeriousA11yViolations(tab, 'badge page').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('"badge page (light)"');
    expect(message).toContain('color-contrast');
    expect(message).toContain('class="badge"');
  });

  it('checks dark mode too, says which, and gives the page its own scheme back', async () => {
    const themed =
      '<style>p{color:#222;background:#fff}@media (prefers-color-scheme: dark){p{color:#444;background:#333}}</style>';
    await tab.setContent(`${page}${themed}<p>Only readable in light mode</p></main></body></html>`);
    await expectNoSeriousA11yViolations(tab, 'light only', { schemes: ['light'] });
    const error = await expectNoSeriousA11yViolations(tab, 'themed').catch((e: unknown) => e);
    expect((error as Error).message).toContain('"themed (dark)"');
    expect((error as Error).message).not.toContain('"themed (light)"');
    expect(await tab.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(false);
  });

  it('fails on an unlabelled form field unless it is excluded', async () => {
    await tab.setContent(`${page}<div id="x"><input type="text"></div></main></body></html>`);
    await expect(expectNoSeriousA11yViolations(tab, 'form')).rejects.toThrow(/label/);
    await expectNoSeriousA11yViolations(tab, 'form', { exclude: ['#x'] });
  });
});
