import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { CourseDetail } from '@lyceum/contracts';
import { expectNoSeriousA11yViolations, launchChromium } from '@lyceum/testing';
import { startCore, type Core } from '../core/core.ts';
import { chromiumFor, enrollThroughUi, shot, signInThroughUi } from '../test-support/e2e.ts';
import { makeVideo } from '../test-support/content.ts';
import { stopAll } from '../test-support/devices.ts';
import { authoringUi } from '../test-support/authoring-ui.ts';
import { startSyncServer, type Account, type SyncServerProcess } from '../test-support/sync-server.ts';

const chromium = chromiumFor('desktop authoring-offline e2e');

describe.skipIf(!chromium)(
  'an instructor authors a course with the server stopped (web mode in Chromium)',
  () => {
    let server: SyncServerProcess;
    let core: Core;
    let browser: Browser;
    let page: Page;
    let dataDir: string;
    let teacher: Account;
    let student: Account;
    let courseId = '';
    let ui: ReturnType<typeof authoringUi>;

    const openCore = () =>
      startCore({
        config: { serverUrl: server.url, dataDir, port: 0, requestTimeoutMs: 3000 },
        sync: { offlinePingMs: 1000, debounceMs: 100 },
      });

    beforeAll(async () => {
      server = await startSyncServer();
      teacher = await server.user('instructor', 'Olga Offline');
      student = await server.user('student', 'Sam Student');
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-desktop-authoring-offline-'));
      core = await openCore();
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      ui = authoringUi(page);
      await page.goto(core.launchUrl);
      await signInThroughUi(page, teacher);
    });

    afterAll(() => stopAll({ browser, core, server, dirs: [dataDir] }));

    it('creates a course, its modules, a text lesson with a due date, a quiz and a video lesson whose upload queues, while the server is stopped', async () => {
      await server.stop();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Teach' }).click();
      await page.getByRole('link', { name: 'New course' }).click();
      await page.getByLabel('Title', { exact: true }).fill('Field botany');
      await page.getByLabel('Subject').fill('Biology');
      await page.getByLabel('Description', { exact: true }).fill('Plants **outdoors**.');
      await page.getByRole('button', { name: 'Create course' }).click();
      await page.getByRole('heading', { level: 1, name: 'Field botany' }).waitFor();
      courseId = /\/teach\/([0-9a-f-]{36})\/edit/.exec(page.url())![1]!;
      await ui.addModule('Leaves');
      await ui.addModule('Flowers');
      await ui.addLesson('Leaves', 'Leaf shapes', 'text');
      await ui.addLesson('Flowers', 'Petal quiz', 'quiz');
      await ui.addLesson('Leaves', 'Field walk', 'video');
      await expect
        .poll(() => page.getByTestId('pending-edits').innerText())
        .toMatch(/^\d+ edits waiting to sync$/);
      await expectNoSeriousA11yViolations(page, 'authoring offline: structure');

      await page.getByRole('link', { name: 'Leaf shapes', exact: true }).click();
      await page.getByLabel('Text', { exact: true }).fill('Simple and **compound** leaves.');
      await page.getByLabel('Due date').fill('2027-03-01T09:00');
      await page.getByRole('button', { name: 'Save lesson' }).click();
      await page.getByText('Lesson saved on this device.').waitFor();

      await page.getByRole('link', { name: 'Back to the structure' }).click();
      await page.getByRole('link', { name: 'Petal quiz', exact: true }).click();
      await page.getByLabel('New question type').selectOption({ label: 'True or false' });
      await page.getByRole('button', { name: 'Add question' }).click();
      await page.getByLabel('Question text', { exact: true }).fill('Roses have petals.');
      await page.getByRole('button', { name: 'Save lesson' }).click();
      await page.getByText('Lesson saved on this device.').waitFor();
      await shot(page, 'authoring-offline-01');

      // A video for the lesson made offline: its upload queues on this device until the server has the lesson.
      await page.getByRole('link', { name: 'Back to the structure' }).click();
      await page.getByRole('link', { name: 'Field walk', exact: true }).click();
      await page
        .getByLabel('Choose a video file for Field walk')
        .setInputFiles({ name: 'walk.mp4', mimeType: 'video/mp4', buffer: await makeVideo(3) });
      await page.getByTestId('upload-progress').waitFor();
      await expectNoSeriousA11yViolations(page, 'authoring offline: video queued');
    });

    it('restarts the app still offline: the draft is there and takes more edits', async () => {
      await core.close();
      core = await openCore();
      await page.goto(core.launchUrl);
      await page.goto(`${core.url}/teach/${courseId}/edit?tab=structure`);
      await page.getByRole('heading', { level: 1, name: 'Field botany' }).waitFor();
      expect(await ui.outline()).toEqual({ Leaves: ['Leaf shapes', 'Field walk'], Flowers: ['Petal quiz'] });
      await ui.addLesson('Flowers', 'Wrap-up', 'text');
      await page.getByRole('link', { name: 'Wrap-up', exact: true }).focus();
      await page.keyboard.press('Alt+ArrowUp');
      await expect
        .poll(ui.outline)
        .toEqual({ Leaves: ['Leaf shapes', 'Field walk'], Flowers: ['Wrap-up', 'Petal quiz'] });
      await ui.tab('Publish');
      await page.getByRole('button', { name: 'Publish', exact: true }).click();
      await expect
        .poll(() => page.getByTestId('publish-state').innerText())
        .toBe('Will publish when online.');
      await expectNoSeriousA11yViolations(page, 'authoring offline: publish queued');
    });

    it('the server comes back: everything syncs, the course publishes, and a student enrolls and studies it', async () => {
      await server.restart();
      // The publish request may reach the server before the video is processed: refused with that reason, it is
      // asked again once the video is ready.
      const state = page.getByTestId('publish-state');
      const problems = page.getByTestId('publish-problems');
      await expect
        .poll(async () => ((await problems.count()) ? 'refused' : await state.innerText()), {
          timeout: 60_000,
        })
        .toMatch(/^(Published |refused)/);
      if (await problems.count()) {
        expect(await problems.innerText()).toContain('The video lesson “Field walk” has no ready video');
        await problems.getByRole('link', { name: /Field walk/ }).click();
        await page.getByTestId('teach-duration').waitFor({ timeout: 120_000 });
        await ui.tab('Publish');
        await page.getByRole('button', { name: 'Publish', exact: true }).click();
        await expect.poll(() => state.innerText(), { timeout: 60_000 }).toMatch(/^Published /);
      }
      await ui.synced(60_000);
      const got = await server.api<CourseDetail>('GET', `/api/v1/courses/${courseId}`, {
        token: teacher.token,
      });
      expect(got.body.status).toBe('published');
      expect(got.body.modules.map((m) => [m.title, m.lessons.map((l) => l.title)])).toEqual([
        ['Leaves', ['Leaf shapes', 'Field walk']],
        ['Flowers', ['Wrap-up', 'Petal quiz']],
      ]);
      expect(got.body.modules[0]!.lessons[0]!.dueAt).toBe(new Date('2027-03-01T09:00').toISOString());

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in to Lyceum' }).waitFor();
      await page.goto(core.url + '/');
      await signInThroughUi(page, student);
      await enrollThroughUi(page, core.url, courseId);
      await page.getByRole('link', { name: 'Leaf shapes' }).first().click();
      await page.getByRole('heading', { level: 1, name: 'Leaf shapes' }).waitFor();
      await page.locator('.lesson-player__body strong', { hasText: 'compound' }).waitFor();
    }, 300_000);
  },
);
