import path from 'node:path';
import type { Page } from 'playwright-core';
import { findChromium } from '@lyceum/testing';

/** The Chromium to drive, or null — then the suite is skipped and says why (printed once per suite). */
export function chromiumFor(suite: string): string | null {
  const chromium = findChromium();
  if (!chromium)
    console.log(
      `[${suite}] skipped: no Chromium found (install the Debian package "chromium" or set CHROMIUM_PATH)`,
    );
  return chromium;
}

/** Screenshots for a person to look at, when LYCEUM_E2E_SHOTS names a folder. */
export async function shot(page: Page, name: string): Promise<void> {
  const dir = process.env.LYCEUM_E2E_SHOTS;
  if (dir) await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: false });
}
