import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { findChromium } from '@lyceum/testing';
import { startCore, type CoreOptions } from '../core/core.ts';
import type { Device } from './devices.ts';

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

/** A desktop core in web mode (it serves the renderer) on a fresh data dir named after the suite. */
export async function startWebCore(
  serverUrl: string,
  dirPrefix: string,
  opts: Pick<CoreOptions, 'sync'> & { requestTimeoutMs?: number } = {},
): Promise<Device> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), dirPrefix));
  const core = await startCore({
    config: { serverUrl, dataDir, port: 0, requestTimeoutMs: opts.requestTimeoutMs ?? 3000 },
    ...(opts.sync && { sync: opts.sync }),
  });
  return Object.assign(core, { dataDir });
}

/**
 * Sign in on the sign-in screen; then wait for the catalog (where a sign-in lands) or, with
 * `until: 'signed-in'`, only for the Sign out button (the student may land elsewhere).
 */
export async function signInThroughUi(
  page: Page,
  who: { email: string; password: string },
  until: 'catalog' | 'signed-in' = 'catalog',
): Promise<void> {
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  if (until === 'catalog') await page.getByRole('heading', { name: 'Course catalog' }).waitFor();
  else await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Open a course's page and enroll; waits until the app shows the course's learning page. */
export async function enrollThroughUi(page: Page, coreUrl: string, courseId: string): Promise<void> {
  await page.goto(`${coreUrl}/courses/${courseId}`);
  await page.getByRole('button', { name: 'Enroll' }).click();
  await page.waitForURL(`${coreUrl}/learn/${courseId}`);
}

/** The renderer's long-poll for the notification badge: always open, so "network idle" must leave it out. */
const LONG_POLL = /\/api\/notifications\/pulse/;

/**
 * Playwright's `networkidle` never comes while the badge's long-poll is open: this waits instead until no other
 * request has been in flight for `quietMs` (the page's data and images have loaded).
 */
export async function networkSettled(page: Page, quietMs = 500, timeoutMs = 15_000): Promise<void> {
  const open = new Set<unknown>();
  let last = Date.now();
  const started = (r: { url(): string }) => {
    if (LONG_POLL.test(r.url())) return;
    open.add(r);
    last = Date.now();
  };
  const ended = (r: unknown) => {
    if (open.delete(r)) last = Date.now();
  };
  page.on('request', started);
  page.on('requestfinished', ended);
  page.on('requestfailed', ended);
  try {
    const end = Date.now() + timeoutMs;
    while (open.size > 0 || Date.now() - last < quietMs) {
      if (Date.now() > end) throw new Error(`network still busy after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    page.off('request', started);
    page.off('requestfinished', ended);
    page.off('requestfailed', ended);
  }
}
