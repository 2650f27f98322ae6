import { describe, expect, it } from 'vitest';
import { jsonTooDeep } from './json-depth.ts';

describe('jsonTooDeep', () => {
  it('counts nesting of arrays and objects, not brackets inside strings', () => {
    expect(jsonTooDeep('[[[]]]', 3)).toBe(false);
    expect(jsonTooDeep('[[[[]]]]', 3)).toBe(true);
    expect(jsonTooDeep('{"a":{"b":{"c":1}}}', 3)).toBe(false);
    expect(jsonTooDeep('{"a":{"b":{"c":{"d":1}}}}', 3)).toBe(true);
    expect(jsonTooDeep(JSON.stringify({ s: '[[[[[[{{{{' }), 2)).toBe(false);
    expect(jsonTooDeep(JSON.stringify({ s: 'a\\"[[[[[' }), 2)).toBe(false);
    // Siblings do not add up: depth returns as brackets close.
    expect(jsonTooDeep('[' + '[],'.repeat(500) + '[]]', 2)).toBe(false);
  });
});
