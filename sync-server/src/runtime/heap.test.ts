import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS, heapTuningGap } from './heap.ts';

/** Young-generation collections (scavenges) a node process needs for a fixed churn of short-lived objects. */
function scavenges(flags: readonly string[]): number {
  const script =
    "const keep = []; for (let i = 0; i < 3e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 200000) keep.splice(0, 100000); }";
  const trace = execFileSync(process.execPath, ['--trace-gc', ...flags, '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return trace.split('\n').filter((l) => l.includes('Scavenge')).length;
}

describe('server heap tuning', () => {
  it('every script that starts the server passes the flags', () => {
    const scripts = (
      JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    for (const name of ['start', 'processor']) for (const f of SERVER_NODE_FLAGS) expect(scripts[name]).toContain(f);
  });

  it('the flags cut the young-generation collections of a churning process', () => {
    const plain = scavenges([]);
    const tuned = scavenges(SERVER_NODE_FLAGS);
    expect(plain).toBeGreaterThan(10);
    expect(tuned).toBeLessThan(plain * 0.7);
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
