import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const desktopSrc = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}
const rel = (p: string) => path.relative(desktopSrc, p);

describe('one client (issue 15)', () => {
  it('the desktop core names no server API path itself: every call goes through @lyceum/client', () => {
    const offending = sources(path.join(desktopSrc, 'core')).flatMap((f) =>
      fs
        .readFileSync(f, 'utf8')
        .split('\n')
        .map((line, i) => [line, i + 1] as const)
        .filter(([line]) => /['"`]\/api\/v1\//.test(line))
        .map(([line, n]) => `${rel(f)}:${n}: ${line.trim()}`),
    );
    expect(offending).toEqual([]);
  });

  it('the renderer imports the local API’s contracts (desktop/src/contracts), never the core', () => {
    const offending = sources(path.join(desktopSrc, 'renderer')).flatMap((f) =>
      [...fs.readFileSync(f, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)]
        .map((m) => m[1]!)
        .filter((spec) => spec.startsWith('.') && rel(path.resolve(path.dirname(f), spec)).startsWith('core'))
        .map((spec) => `${rel(f)}: ${spec}`),
    );
    expect(offending).toEqual([]);
  });
});
