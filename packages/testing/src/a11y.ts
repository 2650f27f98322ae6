import { AxeBuilder } from '@axe-core/playwright';
import type { Result } from 'axe-core';
import type { Page } from 'playwright-core';

/** Options for one accessibility check; none are needed for a whole screen. */
export interface A11yCheckOptions {
  /** CSS selectors of parts to leave out (e.g. a third-party embed), each with a reason in the caller. */
  exclude?: string[];
  /** Limit the check to these parts of the page. */
  include?: string[];
  /**
   * The colour schemes to check the page in (`prefers-color-scheme`); both by default. The page's own scheme is
   * checked first and put back afterwards.
   */
  schemes?: ColorScheme[];
}

export type ColorScheme = 'light' | 'dark';

const failingImpacts = new Set(['serious', 'critical']);

/** Readable lines for a set of axe violations: rule, impact, help, then each offending element and why. */
export function formatA11yViolations(violations: Result[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 8)
        .map((n) => {
          const summary = (n.failureSummary ?? '').replace(/\s+/g, ' ').trim();
          return `    - ${n.target.join(' ')}\n      ${n.html.slice(0, 160)}\n      ${summary}`;
        })
        .join('\n');
      const more = v.nodes.length > 8 ? `\n    … and ${v.nodes.length - 8} more` : '';
      return `  [${v.impact ?? 'unknown'}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}${more}`;
    })
    .join('\n');
}

/** Waits until every finite CSS animation/transition has ended, so colours are read in their final state. */
async function settled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const finite = document
      .getAnimations()
      .filter((a) => Number.isFinite(a.effect?.getComputedTiming().endTime ?? Infinity));
    await Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
  });
}

/**
 * Runs axe-core on the page as it is now, in light and in dark mode, and throws when it finds a serious or critical
 * violation, listing each (rule, elements, why) under `label` — the screen's name in the failure message.
 * Violations of lower impact are printed but do not fail.
 */
export async function expectNoSeriousA11yViolations(
  page: Page,
  label: string,
  options: A11yCheckOptions = {},
): Promise<void> {
  const own: ColorScheme = (await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches))
    ? 'dark'
    : 'light';
  const wanted = options.schemes ?? ['light', 'dark'];
  const schemes = [...wanted.filter((s) => s === own), ...wanted.filter((s) => s !== own)];
  const failures: string[] = [];
  try {
    for (const scheme of schemes) {
      if (scheme !== own) await page.emulateMedia({ colorScheme: scheme });
      const name = schemes.length > 1 ? `${label} (${scheme})` : label;
      const failing = await analyze(page, name, options);
      if (failing) failures.push(failing);
    }
  } finally {
    if (schemes.some((s) => s !== own)) await page.emulateMedia({ colorScheme: own });
  }
  if (failures.length > 0) throw new Error(failures.join('\n'));
}

/** One axe run: the failure text for serious/critical violations, or null; the rest is printed. */
async function analyze(page: Page, name: string, options: A11yCheckOptions): Promise<string | null> {
  await settled(page);
  // Legacy mode runs axe inside the page itself: the tests open pages with browser.newPage(), whose
  // context cannot open the extra page the default (cross-frame) mode needs.
  let builder = new AxeBuilder({ page }).setLegacyMode(true);
  for (const selector of options.include ?? []) builder = builder.include(selector);
  for (const selector of options.exclude ?? []) builder = builder.exclude(selector);
  const { violations } = await builder.analyze();
  const failing = violations.filter((v) => failingImpacts.has(v.impact ?? ''));
  const minor = violations.filter((v) => !failingImpacts.has(v.impact ?? ''));
  if (minor.length > 0)
    console.log(`[a11y] ${name}: ${minor.length} minor/moderate issue(s)\n${formatA11yViolations(minor)}`);
  return failing.length > 0
    ? `Accessibility (axe) on "${name}": ${failing.length} serious or critical violation(s)\n` +
        formatA11yViolations(failing)
    : null;
}
