import { AxeBuilder } from '@axe-core/playwright';
import type { Result } from 'axe-core';
import type { Page } from 'playwright-core';

/** Options for one accessibility check; none are needed for a whole screen. */
export interface A11yCheckOptions {
  /** CSS selectors of parts to leave out (e.g. a third-party embed), each with a reason in the caller. */
  exclude?: string[];
  /** Limit the check to these parts of the page. */
  include?: string[];
}

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
 * Runs axe-core on the page as it is now and throws when it finds a serious or critical violation,
 * listing each (rule, elements, why) under `label` — the screen's name in the failure message.
 * Violations of lower impact are printed but do not fail.
 */
export async function expectNoSeriousA11yViolations(
  page: Page,
  label: string,
  options: A11yCheckOptions = {},
): Promise<void> {
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
    console.log(`[a11y] ${label}: ${minor.length} minor/moderate issue(s)\n${formatA11yViolations(minor)}`);
  if (failing.length > 0)
    throw new Error(
      `Accessibility (axe) on "${label}": ${failing.length} serious or critical violation(s)\n` +
        formatA11yViolations(failing),
    );
}
