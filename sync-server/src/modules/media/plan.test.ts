import { describe, expect, it } from 'vitest';
import { parseProgressSeconds } from './ffmpeg.ts';
import { hlsArgs, parseMediaPlaylist, planRenditions } from './package.ts';

describe('rendition plan', () => {
  it('produces 360p and 720p from a 1080p source, keeping the aspect ratio on even sizes', () => {
    expect(planRenditions({ width: 1920, height: 1080 }).map((r) => [r.name, r.width, r.height])).toEqual([
      ['360p', 640, 360],
      ['720p', 1280, 720],
    ]);
  });

  it('does not upscale: a 480p source gets only 360p, a 240p source one rendition at its own height', () => {
    expect(planRenditions({ width: 640, height: 480 }).map((r) => [r.name, r.width, r.height])).toEqual([
      ['360p', 480, 360],
    ]);
    const tiny = planRenditions({ width: 320, height: 240 });
    expect(tiny).toHaveLength(1);
    expect([tiny[0]!.width, tiny[0]!.height]).toEqual([320, 240]);
  });

  it('maps audio only when the source has some, and asks for fMP4 HLS segments', () => {
    const plan = planRenditions({ width: 1280, height: 720 });
    const info = { durationSeconds: 10, width: 1280, height: 720 };
    const withAudio = hlsArgs('in.mp4', '/out', { ...info, hasAudio: true }, plan);
    const silent = hlsArgs('in.mp4', '/out', { ...info, hasAudio: false }, plan);
    expect(withAudio.filter((a) => a === '0:a:0')).toHaveLength(2);
    expect(silent).not.toContain('0:a:0');
    expect(silent.filter((a) => a === 'fmp4')).toHaveLength(2);
  });
});

describe('ffmpeg output parsing', () => {
  it('reads out_time_us (µs) from a -progress block, falling back to out_time_ms', () => {
    expect(
      parseProgressSeconds('frame=10\nout_time_us=2500000\nout_time_ms=2500000\nprogress=continue\n'),
    ).toBe(2.5);
    expect(parseProgressSeconds('out_time_ms=4000000\nprogress=continue\n')).toBe(4);
    expect(parseProgressSeconds('out_time_us=N/A\nprogress=continue\n')).toBeNull();
  });

  it('lists the segments of a media playlist with their durations', () => {
    const text =
      '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:4.000000,\nseg-0000.m4s\n#EXTINF:2.5,\nseg-0001.m4s\n#EXT-X-ENDLIST\n';
    expect(parseMediaPlaylist(text)).toEqual({
      map: 'init.mp4',
      segments: [
        { uri: 'seg-0000.m4s', duration: 4 },
        { uri: 'seg-0001.m4s', duration: 2.5 },
      ],
    });
  });
});
