import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS, heapTuningGap } from './heap.ts';

/** The young generation's largest size (MB) while a node process churns through objects that live a while. */
function peakNewSpaceMb(flags: readonly string[]): number {
  const script = `
    const v8 = require('node:v8');
    const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    let peak = 0; const keep = [];
    for (let i = 0; i < 3e6; i++) {
      keep.push({ i, s: 'x' + i });
      if (keep.length > 200000) keep.splice(0, 100000);
      if (i % 10000 === 0) peak = Math.max(peak, newSpace());
    }
    process.stdout.write(String(peak / 2 ** 20));`;
  return Number(
    execFileSync(process.execPath, [...flags, '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    }),
  );
}

describe('server heap tuning', () => {
  it('every script that starts the server passes the flags', () => {
    const scripts = (
      JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    for (const name of ['start', 'processor'])
      for (const f of SERVER_NODE_FLAGS) expect(scripts[name]).toContain(f);
  });

  it('the flags let the young generation grow past V8’s default cap', () => {
    // V8's default semi-space cap (16 MB) holds the young generation at about 32 MB whatever the load.
    expect(peakNewSpaceMb([])).toBeLessThanOrEqual(34);
    expect(peakNewSpaceMb(SERVER_NODE_FLAGS)).toBeGreaterThan(48);
  });

  it('says when the process runs without them', () => {
    const before = process.env.NODE_OPTIONS;
    try {
      process.env.NODE_OPTIONS = '';
      if (!process.execArgv.some((a) => a.startsWith('--max-semi-space-size=')))
        expect(heapTuningGap()).toMatch(/--max-semi-space-size=64/);
      process.env.NODE_OPTIONS = SERVER_NODE_FLAGS.join(' ');
      expect(heapTuningGap()).toBe('');
    } finally {
      if (before === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = before;
    }
  });
});
