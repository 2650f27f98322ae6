import { describe, expect, it } from 'vitest';
import { OutputRelay } from './output.ts';

const rec = (level: number, msg: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ level, time: Date.UTC(2026, 0, 1, 12), pid: 7, hostname: 'h', msg, ...extra });

function relay(format: 'json' | 'pretty', verbose = false) {
  const out: string[] = [];
  return { out, r: new OutputRelay((t) => out.push(t), { format, colorize: false, verbose }) };
}

describe("the launcher's relay of a child's output", () => {
  it('holds info records and the banner during start-up, shows warnings at once, then everything', () => {
    const { out, r } = relay('pretty');
    r.feed(`${rec(30, 'starting embedded PostgreSQL')}\n  Lyceum sync server ready at http://x\n`);
    // A record split across two chunks is one line.
    const text = `${rec(40, 'slow disk', { ms: 900 })}\n${rec(30, 'migrations applied')}\n`;
    r.feed(text.slice(0, text.length - 20));
    r.feed(text.slice(text.length - 20));
    expect(out.join('')).toMatch(/^\[\d\d:\d\d:\d\d\] WARN: slow disk \{"ms":900\}\n$/);
    expect(r.release()).toEqual({ plain: ['  Lyceum sync server ready at http://x'], held: 2 });
    r.feed(`${rec(30, 'shutting down')}\nplain text\n`);
    expect(out.slice(1).join('')).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: shutting down\nplain text\n$/);
    expect(out.join('')).not.toContain('{"level"');
  });

  it('passes JSON records through unchanged when the launcher logs JSON, and holds nothing with --verbose', () => {
    const { out, r } = relay('json', true);
    r.feed(`${rec(30, 'a')}\n`);
    r.hold();
    r.feed(`banner\n`);
    expect(out).toEqual([`${rec(30, 'a')}\n`, 'banner\n']);
    expect(r.release()).toEqual({ plain: [], held: 0 });
  });
});
