import type { Locator, Page } from 'playwright-core';

export interface TeachFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

export interface TeachUiResult {
  /** Every value the lesson's progress bars showed, in order (each change once). */
  uploadPercents: number[];
  packagingPercents: number[];
  /** The lesson's "Length m:ss" text once ready (videos), or '' for slides. */
  durationText: string;
  /** The lesson's card on the Teach screen (for more assertions). */
  lesson: Locator;
}

interface Seen {
  upload: number[];
  packaging: number[];
}
type Recorder = Window & { __teachSeen?: Seen };

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Upload a file for a lesson through the Teach screen, as an instructor who is signed in: Teach (main navigation)
 * → the course → the lesson's file input. Waits until the lesson shows the file ready (a video with its length)
 * and answers what the progress bars showed on the way. Throws with the page's reason when the upload fails.
 */
export async function uploadThroughTeachUi(
  page: Page,
  o: {
    courseTitle: string;
    lessonTitle: string;
    file: TeachFile | string;
    kind?: 'video' | 'slides';
    timeoutMs?: number;
    /** Called once while packaging is shown between 0 and 100 % (e.g. a screenshot). */
    whilePackaging?: () => Promise<void>;
  },
): Promise<TeachUiResult> {
  const kind = o.kind ?? 'video';
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Teach' }).click();
  await page.getByRole('heading', { level: 1, name: 'Teach' }).waitFor();
  await page.getByRole('link', { name: o.courseTitle, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: o.courseTitle }).waitFor();
  const lesson = page
    .getByTestId('teach-lesson')
    .filter({ has: page.getByRole('heading', { level: 3, name: o.lessonTitle, exact: true }) });
  await lesson.waitFor();

  // Record every value of the lesson's progress bars from now on (polling could miss short-lived ones).
  await lesson.evaluate((el) => {
    const seen: Seen = { upload: [], packaging: [] };
    (window as Recorder).__teachSeen = seen;
    const read = () => {
      for (const [key, id] of [
        ['upload', 'upload-progress'],
        ['packaging', 'packaging-progress'],
      ] as const) {
        const v = el.querySelector(`[data-testid="${id}"]`)?.getAttribute('aria-valuenow');
        const list = seen[key];
        if (v != null && list[list.length - 1] !== Number(v)) list.push(Number(v));
      }
    };
    new MutationObserver(read).observe(el, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['aria-valuenow'],
    });
  });

  const fileLabel = kind === 'video' ? 'a video file' : 'a PDF file';
  const input = lesson.getByLabel(new RegExp(`${fileLabel} for ${escape(o.lessonTitle)}$`));
  await input.setInputFiles(o.file);

  // Over when the upload was shown, the file input is back (nothing under way), and the lesson shows it ready.
  const ready = kind === 'video' ? lesson.getByTestId('teach-duration') : lesson.getByText('Ready');
  // A refusal before the upload (size, rights) or its failure: both are alerts in the lesson.
  const failed = lesson.getByRole('alert');
  const readSeen = () =>
    page.evaluate(() => (window as Recorder).__teachSeen ?? { upload: [], packaging: [] });
  const deadline = Date.now() + (o.timeoutMs ?? 120_000);
  let seen = await readSeen();
  for (;;) {
    const started = seen.upload.length > 0;
    const whilePackaging = o.whilePackaging;
    if (whilePackaging && seen.packaging.some((p) => p > 0 && p < 100)) {
      o.whilePackaging = undefined;
      await whilePackaging();
    }
    if (await failed.count()) throw new Error(`The upload failed: ${await failed.first().innerText()}`);
    if (started && (await input.count()) && (await ready.count())) break;
    if (Date.now() > deadline)
      throw new Error(`The upload was not ready in time: ${await lesson.innerText()}`);
    await page.waitForTimeout(100);
    seen = await readSeen();
  }
  return {
    uploadPercents: seen.upload,
    packagingPercents: seen.packaging,
    durationText: kind === 'video' ? (await ready.first().innerText()).trim() : '',
    lesson,
  };
}
