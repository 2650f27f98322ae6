import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/** Steps of the Teach course editor as an instructor takes them (the editor is open on the course). */
export function authoringUi(page: Page) {
  const tree = () => page.getByRole('region', { name: 'Structure' });
  const moduleBlock = (title: string) =>
    page.getByTestId('tree-module').filter({ has: page.getByRole('heading', { level: 3, name: title }) });
  return {
    tab: async (name: string) => {
      await page.getByRole('navigation', { name: 'Course editor' }).getByRole('link', { name }).click();
    },
    addModule: async (title: string) => {
      await page.getByLabel('New module title').fill(title);
      await page.getByRole('button', { name: 'Add module' }).click();
      await moduleBlock(title).waitFor();
    },
    addLesson: async (moduleTitle: string, title: string, kind: 'text' | 'quiz' | 'video' | 'slides') => {
      const form = page.getByRole('form', { name: `Add a lesson to ${moduleTitle}` });
      await form.getByLabel('New lesson title').fill(title);
      await form.getByLabel('Kind').selectOption(kind);
      await form.getByRole('button', { name: 'Add lesson' }).click();
      const added = moduleBlock(moduleTitle).getByRole('link', { name: title, exact: true });
      await added.or(page.getByRole('alert')).first().waitFor();
      if (!(await added.count()))
        throw new Error(`Not added: ${await page.getByRole('alert').first().innerText()}`);
    },
    /** The lesson titles of each module, in order. */
    outline: async () => {
      const out: Record<string, string[]> = {};
      const blocks = page.getByTestId('tree-module');
      for (let i = 0; i < (await blocks.count()); i++) {
        const b = blocks.nth(i);
        const heading = (await b.getByRole('heading', { level: 3 }).innerText()).replace(
          /^Module \d+\s*/,
          '',
        );
        out[heading] = await b.locator('a.tree-row__title').allInnerTexts();
      }
      return out;
    },
    announced: () => page.getByTestId('tree-announce').innerText(),
    focusedText: () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? ''),
    moduleBlock,
    tree,
    /** Wait until every edit made on this device has reached the server. */
    synced: async (timeoutMs = 30_000) => {
      await expect
        .poll(() => page.getByTestId('pending-edits').innerText(), { timeout: timeoutMs })
        .toBe('All edits synced');
    },
  };
}
