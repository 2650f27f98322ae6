import { describe, expect, it } from 'vitest';
import { redactPaths } from './messages.ts';

describe('redactPaths', () => {
  it('keeps only the last part of absolute paths', () => {
    const m = redactPaths(
      '/srv/lyceum/.lyceum/content/assets/0193/original.mp4: Invalid data found when processing input',
    );
    expect(m).toBe('"original.mp4": Invalid data found when processing input');
    expect(redactPaths('Error opening C:\\data\\lyceum\\x.mkv now')).toBe('Error opening "x.mkv" now');
    expect(redactPaths('Could not open file:/tmp/lyceum-media-a1/out/360p/seg-0001.m4s')).toBe(
      'Could not open "seg-0001.m4s"',
    );
  });
  it('leaves messages without paths alone', () => {
    expect(redactPaths('The file has no video stream')).toBe('The file has no video stream');
    expect(redactPaths('at most 7680×4320 and 1/2 of it')).toBe('at most 7680×4320 and 1/2 of it');
  });
});
