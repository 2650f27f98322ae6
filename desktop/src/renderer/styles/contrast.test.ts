import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The theme's colour pairs, light and dark, against WCAG 2.x: text 4.5:1 (1.4.3) on every background it is used on,
 * graphics and control edges 3:1 (1.4.11). axe checks the screens the tests visit; this checks every pair the
 * tokens allow, including states no test shows.
 */
const css = fs.readFileSync(path.join(import.meta.dirname, 'base.css'), 'utf8');

function tokens(block: string): Record<string, string> {
  return Object.fromEntries(
    [...block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})\s*;/gi)].map((m) => [m[1]!, m[2]!]),
  );
}
const light = tokens(css.slice(css.indexOf(':root {'), css.indexOf('}', css.indexOf(':root {'))));
const darkStart = css.indexOf('@media (prefers-color-scheme: dark)');
const dark = { ...light, ...tokens(css.slice(darkStart, css.indexOf('}', darkStart))) };

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
function ratio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

const backgrounds = ['bg', 'surface', 'accent-soft', 'ok-soft', 'warn-soft', 'error-soft'];
const text = ['text', 'muted', 'accent', 'ok', 'warn', 'error'];
const graphics = ['control-border', 'focus', 'star', 'star-empty'];

describe.each([
  ['light', light],
  ['dark', dark],
] as const)('the %s theme', (_name, theme) => {
  it('defines every colour pair it is checked on', () => {
    for (const t of [...backgrounds, ...text, ...graphics, 'accent-contrast'])
      expect(theme[t], t).toMatch(/^#/);
  });

  it('keeps text at 4.5:1 on every background', () => {
    const low = text.flatMap((fg) =>
      backgrounds
        .map((bg) => ({ pair: `${fg} on ${bg}`, r: ratio(theme[fg]!, theme[bg]!) }))
        .filter((p) => p.r < 4.5),
    );
    expect(low).toEqual([]);
    expect(ratio(theme['accent-contrast']!, theme.accent!)).toBeGreaterThanOrEqual(4.5);
  });

  it('keeps control edges, the focus ring and the stars at 3:1 on the page and the surface', () => {
    const low = graphics.flatMap((fg) =>
      ['bg', 'surface']
        .map((bg) => ({ pair: `${fg} on ${bg}`, r: ratio(theme[fg]!, theme[bg]!) }))
        .filter((p) => p.r < 3),
    );
    expect(low).toEqual([]);
  });
});
