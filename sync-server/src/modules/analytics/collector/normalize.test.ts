import { describe, expect, it } from 'vitest';
import { VERBS, VIDEO_EXT } from '@lyceum/contracts';
import { newId } from '../../../lib/ids.ts';
import { prepareStatement, sameStatement, sameText } from './normalize.ts';
import { videoStatement } from './test-support.ts';

const prepared = (item: Record<string, unknown>, stored: string) => {
  const p = prepareStatement(item, { stored, newId });
  if (!p.ok) throw new Error(p.reason);
  return { ...p, stored };
};
const FIRST = '2026-11-20T10:00:01.000Z';
const LATER = '2026-11-21T08:30:00.250Z';

describe('sameText (the quick check before sameStatement)', () => {
  it('takes a repeat with the same content, sent in another key order at another time, as the same', () => {
    const s = videoStatement(newId());
    const known = prepared(s, FIRST);
    const repeat = prepared(Object.fromEntries(Object.entries(s).reverse()), LATER);
    expect(repeat.json).not.toBe(known.json);
    expect(sameText(repeat, known)).toBe(true);
    expect(sameText(prepared(s, FIRST), known)).toBe(true);
  });

  it('never takes other content as the same', () => {
    const s = videoStatement(newId());
    const known = prepared(s, FIRST);
    const moved = prepared({ ...s, result: { extensions: { [VIDEO_EXT.time]: 11 } } }, LATER);
    expect(sameText(moved, known)).toBe(false);
    expect(sameStatement(moved.statement, true, known.statement)).toBe(false);
    // a language map keyed "stored" ahead of the statement's own `stored` does not fool the replacement
    const display = (stored: string) => ({ ...s, verb: { id: VERBS.paused, display: { stored } } });
    expect(sameText(prepared(display(LATER), LATER), prepared(display(FIRST), FIRST))).toBe(false);
    expect(sameText(prepared(display(FIRST), LATER), prepared(display(FIRST), FIRST))).toBe(true);
  });

  it('leaves the cases it cannot tell to sameStatement', () => {
    const s = videoStatement(newId());
    const known = prepared(s, FIRST);
    // extension maps keep the sender's key order: not the same text, yet the same statement
    const ext = s.result as { extensions: Record<string, unknown> };
    const swapped = {
      ...s,
      result: { extensions: Object.fromEntries(Object.entries(ext.extensions).reverse()) },
    };
    const repeat = prepared(swapped, LATER);
    expect(sameText(repeat, known)).toBe(false);
    expect(sameStatement(repeat.statement, true, known.statement)).toBe(true);
    // without a timestamp of its own, a repeat's timestamp is its arrival: only sameStatement knows to ignore it
    const { timestamp: _t, ...untimed } = s;
    const noTime = prepared(untimed, LATER);
    expect(noTime.timestampGiven).toBe(false);
    expect(sameText(noTime, prepared(untimed, FIRST))).toBe(false);
  });
});
