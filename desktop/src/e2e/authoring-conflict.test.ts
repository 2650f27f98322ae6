import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { CourseDetail } from '@lyceum/contracts';
import { expectNoSeriousA11yViolations, launchChromium } from '@lyceum/testing';
import type { DraftCreated, DraftView } from '../contracts/authoring.ts';
import { chromiumFor, shot, signInThroughUi, startWebCore } from '../test-support/e2e.ts';
import { type Device, localCall, stopAll } from '../test-support/devices.ts';
import { startProxy, type Proxy } from '../test-support/proxy.ts';
import { authoringUi } from '../test-support/authoring-ui.ts';
import { startSyncServer, type Account, type SyncServerProcess } from '../test-support/sync-server.ts';

const chromium = chromiumFor('desktop authoring-conflict e2e');
const fast = { offlinePingMs: 500, debounceMs: 100, intervalMs: 2000 };

describe.skipIf(!chromium)('two devices of one instructor edit the same lesson offline (Chromium)', () => {
  let server: SyncServerProcess;
  let proxyB: Proxy;
  let a: Device;
  let b: Device;
  let browser: Browser;
  let page: Page;
  let teacher: Account;
  let student: Account;
  let courseId = '';
  let lessonId = '';

  const draftOn = (d: Device) => localCall<DraftView>(d, 'GET', `/api/teach/drafts/${courseId}`);
  const bodyOn = async (d: Device) => {
    const r = await draftOn(d);
    return r.status === 200 ? r.body.draft.doc.modules[0]?.lessons[0]?.body : undefined;
  };
  const editOn = (d: Device, body: unknown) =>
    localCall(d, 'POST', `/api/teach/drafts/${courseId}/edits`, body);

  beforeAll(async () => {
    server = await startSyncServer();
    teacher = await server.user('instructor', 'Ada Twodevices');
    student = await server.user('student', 'Sam Student');
    proxyB = await startProxy(server.url);
    a = await startWebCore(server.url, 'lyceum-desktop-conflict-a-', { sync: fast });
    b = await startWebCore(proxyB.url, 'lyceum-desktop-conflict-b-', { sync: fast });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => console.log(`[authoring-conflict] page error: ${e.message}`));
  });

  afterAll(async () => {
    await stopAll({ browser, core: b, proxy: proxyB });
    await stopAll({ core: a, server });
  });

  it('device A writes a course; device B receives its draft', async () => {
    // Device A signs in through its window, then writes the course through its local API (the editor is tested elsewhere).
    await page.goto(a.launchUrl);
    await signInThroughUi(page, teacher);
    const created = await localCall<DraftCreated>(a, 'POST', '/api/teach/drafts', {
      details: { title: 'Two devices', subject: 'Testing' },
    });
    expect(created.status).toBe(201);
    courseId = created.body.courseId;
    const moduleId = crypto.randomUUID();
    lessonId = crypto.randomUUID();
    expect((await editOn(a, { name: 'addModule', args: { moduleId, title: 'Only module' } })).status).toBe(
      202,
    );
    const added = await editOn(a, {
      name: 'addLesson',
      args: { moduleId, lesson: { id: lessonId, title: 'Intro', kind: 'text', body: 'Hello' } },
    });
    expect(added.status).toBe(202);
    await expect.poll(async () => (await draftOn(a)).body.pendingEdits, { timeout: 30_000 }).toBe(0);

    await page.goto(b.launchUrl);
    await signInThroughUi(page, teacher);
    await expect.poll(() => bodyOn(b), { timeout: 60_000 }).toBe('Hello');
  }, 180_000);

  it('both edit the lesson, B offline: B is shown mine and theirs side by side and saves a merge', async () => {
    proxyB.setDown(true);
    await page.goto(`${b.url}/teach/${courseId}/edit?lesson=${lessonId}`);
    await page.getByRole('heading', { level: 1, name: 'Edit lesson: Intro' }).waitFor();
    await page.getByLabel('Text', { exact: true }).fill('Hello from B');
    await page.getByRole('button', { name: 'Save lesson' }).click();
    await page.getByText('Lesson saved on this device.').waitFor();

    expect(
      (await editOn(a, { name: 'updateLesson', args: { lessonId, patch: { body: 'Hello from A' } } })).status,
    ).toBe(202);
    await expect.poll(async () => (await draftOn(a)).body.pendingEdits, { timeout: 30_000 }).toBe(0);

    proxyB.setDown(false);
    const ui = authoringUi(page);
    await page
      .getByRole('link', { name: /1 conflict to resolve|Review them/ })
      .first()
      .waitFor({ timeout: 60_000 });
    await ui.tab('Conflicts (1)');
    const conflict = page.getByTestId('conflict');
    await conflict
      .waitFor({ timeout: 15_000 })
      .catch(async () => console.log(`[authoring-conflict] ${await page.locator('body').innerText()}`));
    await expect.poll(() => conflict.getByTestId('conflict-mine').innerText()).toContain('Hello from B');
    expect(await conflict.getByTestId('conflict-theirs').innerText()).toContain('Hello from A');
    expect(await conflict.innerText()).toMatch(/By (Ada Twodevices|you on another device), /);
    await expectNoSeriousA11yViolations(page, 'authoring: a conflict side by side');
    await shot(page, 'authoring-conflict-01');

    await conflict.getByRole('button', { name: 'Edit a merge' }).click();
    const merge = conflict.getByLabel('Your merge');
    await merge.fill((await merge.inputValue()).replace('Hello from B', 'Hello from A and B'));
    await conflict.getByRole('button', { name: 'Save the merge' }).click();
    await page.getByText('No conflicts: every edit made here was applied.').waitFor({ timeout: 30_000 });
  }, 180_000);

  it('the merge is what the server keeps and what students get once published', async () => {
    await expect.poll(() => bodyOn(a), { timeout: 60_000 }).toBe('Hello from A and B');
    const ui = authoringUi(page);
    await ui.synced(60_000);
    await ui.tab('Publish');
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('publish-state').innerText(), { timeout: 60_000 })
      .toMatch(/^Published /);
    const enrolled = await server.api('POST', `/api/v1/courses/${courseId}/enrollment`, {
      token: student.token,
    });
    expect(enrolled.status).toBeLessThan(300);
    const seen = await server.api<CourseDetail>('GET', `/api/v1/courses/${courseId}`, {
      token: student.token,
    });
    expect(seen.body.modules[0]!.lessons[0]!.body).toBe('Hello from A and B');
  }, 240_000);
});
