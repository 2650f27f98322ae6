import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { CourseDetail } from '@lyceum/contracts';
import { expectNoSeriousA11yViolations, launchChromium } from '@lyceum/testing';
import { chromiumFor, enrollThroughUi, shot, signInThroughUi, startWebCore } from '../test-support/e2e.ts';
import { type Device, stopAll } from '../test-support/devices.ts';
import { startSyncServer, type CourseInput, type SyncServerProcess } from '../test-support/sync-server.ts';

const chromium = chromiumFor('desktop search e2e');

const course = (title: string, tags: string[], lessons: CourseInput['modules']): CourseInput => ({
  title,
  description: `${title}, for the search tests.`,
  subject: 'Science',
  tags,
  modules: lessons,
});

/** A course whose lessons hold words no course title, tag or description has. */
const biology = course(
  'Biology Basics',
  ['biology'],
  [
    {
      title: 'Plants',
      lessons: [
        {
          title: 'Plants and light',
          kind: 'text',
          body: '# Light\n\nLeaves turn sunlight into sugar through **photosynthesis**, in the chloroplasts.',
        },
        {
          title: 'Check your plants',
          kind: 'quiz',
          quiz: {
            graded: false,
            deviceGradable: true,
            questions: [
              {
                type: 'true_false',
                prompt: 'Chlorophyll makes leaves green.',
                answer: { type: 'true_false', value: true },
              },
            ],
          },
        },
      ],
    },
  ],
);
const oneLesson: CourseInput['modules'] = [
  { title: 'Start', lessons: [{ title: 'Welcome', kind: 'text', body: 'Welcome.' }] },
];

describe.skipIf(!chromium)('search: typos and inside stored lessons (web mode in Chromium)', () => {
  let server: SyncServerProcess;
  let core: Device;
  let browser: Browser;
  let page: Page;
  let bio: CourseDetail;

  const cardTitles = async () => (await page.locator('.course-card__link').allInnerTexts()).sort();
  const searchFor = async (text: string) => {
    await page.getByRole('searchbox', { name: 'Search courses' }).fill(text);
    await page.waitForURL((u) => u.searchParams.get('q') === text);
  };

  beforeAll(async () => {
    server = await startSyncServer();
    const teacher = await server.user('instructor', 'Sam Teacher');
    await server.publishedCourse(teacher, course('Python for Data Science', ['python'], oneLesson));
    await server.publishedCourse(teacher, course('Introduction to Python', ['python'], oneLesson));
    await server.publishedCourse(teacher, course('Statistics Essentials', ['statistics'], oneLesson));
    bio = await server.publishedCourse(teacher, biology);
    core = await startWebCore(server.url, 'lyceum-desktop-search-', {
      sync: { offlinePingMs: 1000, debounceMs: 200 },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(() => stopAll({ browser, core, server }));

  it('online, "pyhton" shows the Python courses and offers "python"; the link runs that search', async () => {
    const student = await server.user('student', 'Sofia Search');
    await page.goto(core.launchUrl);
    await signInThroughUi(page, student);

    await searchFor('pyhton');
    const didYouMean = page.getByRole('link', { name: 'python', exact: true });
    await didYouMean.waitFor();
    expect(await page.locator('.spelling').innerText()).toBe(
      'No course matches “pyhton”. Showing courses for “python”. Did you mean python?',
    );
    await expect.poll(cardTitles).toEqual(['Introduction to Python', 'Python for Data Science']);
    await page.getByRole('heading', { name: '2 courses' }).waitFor();
    await shot(page, '40-did-you-mean');
    await expectNoSeriousA11yViolations(page, 'catalog with a spelling suggestion');

    await didYouMean.click();
    await page.waitForURL((u) => u.searchParams.get('q') === 'python');
    expect(await page.getByRole('searchbox', { name: 'Search courses' }).inputValue()).toBe('python');
    await expect.poll(() => page.locator('.spelling').count()).toBe(0);
    await expect.poll(cardTitles).toEqual(['Introduction to Python', 'Python for Data Science']);

    await searchFor('statistcs');
    await expect.poll(cardTitles).toEqual(['Statistics Essentials']);
    await page.getByRole('link', { name: 'statistics', exact: true }).waitFor();
  });

  it('offline, finds a word inside a stored lesson and opens the lesson; typos still corrected', async () => {
    await enrollThroughUi(page, core.url, bio.id);
    await server.stop();
    await page.goto(`${core.url}/`);
    await page.getByText(/You are offline/).waitFor({ timeout: 15_000 });

    await searchFor('photosynthesis');
    const hits = page.getByRole('region', { name: /In your courses/ });
    await hits.getByRole('heading', { name: 'In your courses: 1 lesson' }).waitFor();
    expect(await hits.locator('mark').allInnerTexts()).toEqual(['photosynthesis']);
    expect(await hits.locator('.lesson-hit__snippet').innerText()).toContain(
      'Leaves turn sunlight into sugar through photosynthesis, in the chloroplasts.',
    );
    expect(await hits.locator('.lesson-hit__where').innerText()).toContain('Biology Basics');
    // No course has the word itself.
    await page.getByText('No courses match').waitFor();
    await shot(page, '41-lesson-hit-offline');
    await expectNoSeriousA11yViolations(page, 'catalog with lessons found offline');

    // A quiz question is found too.
    await searchFor('chlorophyll');
    await hits.getByRole('link', { name: 'Check your plants' }).waitFor();

    await searchFor('photosynthesis');
    await hits.getByRole('link', { name: 'Plants and light' }).click();
    await page.getByRole('heading', { level: 1, name: 'Plants and light' }).waitFor();
    await page.getByText(/Leaves turn sunlight into sugar/).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/learn/${bio.id}/lessons/${bio.modules[0]!.lessons[0]!.id}`);

    // The cached catalog answers typos offline in the same way.
    await page.goto(`${core.url}/?q=pyhton`);
    await page.getByRole('link', { name: 'python', exact: true }).waitFor();
    await expect.poll(cardTitles).toEqual(['Introduction to Python', 'Python for Data Science']);
  });
});
