import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { keyAction, keysHelp, listenForKeys, type KeyAction } from './keys.ts';

/** A stdin as a terminal gives it: a stream with isTTY and setRawMode (whose calls are recorded). */
function terminalInput(isTTY = true) {
  const raw: boolean[] = [];
  const input = Object.assign(new PassThrough(), {
    isTTY,
    setRawMode: (on: boolean) => {
      raw.push(on);
      return input;
    },
  });
  return { input, raw };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('npm start keys', () => {
  it('maps s to the server toggle and q, Ctrl-C, Ctrl-D to quit; other keys do nothing', () => {
    expect(keyAction('s')).toBe('toggle-server');
    expect(keyAction('S')).toBe('toggle-server');
    for (const k of ['q', 'Q', '\u0003', '\u0004']) expect(keyAction(k)).toBe('quit');
    for (const k of ['x', '\r', ' ', '\u001b']) expect(keyAction(k)).toBeNull();
    expect(keysHelp(true)).toMatch(/s +stop\/start the sync server.*q +quit/);
    expect(keysHelp(false)).not.toContain('sync server');
  });

  it('reads keys in raw mode from a terminal, each key of a chunk, and gives the terminal back', async () => {
    const { input, raw } = terminalInput();
    const actions: KeyAction[] = [];
    const restore = listenForKeys(input, (a) => actions.push(a));
    expect(restore).not.toBeNull();
    expect(raw).toEqual([true]);
    input.write('s');
    input.write('xsq\u0003');
    await tick();
    expect(actions).toEqual(['toggle-server', 'toggle-server', 'quit', 'quit']);
    restore!();
    restore!();
    expect(raw).toEqual([true, false]);
    input.write('q');
    await tick();
    expect(actions).toHaveLength(4);
  });

  it('does not touch stdin that is not a terminal (a script or CI run stops by its signals)', async () => {
    const { input, raw } = terminalInput(false);
    const actions: KeyAction[] = [];
    expect(listenForKeys(input, (a) => actions.push(a))).toBeNull();
    input.write('q');
    await tick();
    expect(actions).toEqual([]);
    expect(raw).toEqual([]);
  });
});
