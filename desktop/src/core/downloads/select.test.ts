import { describe, expect, it } from 'vitest';
import type { ManifestAsset } from '@lyceum/contracts';
import { chooseRendition, isSafeRelPath, selectAssetFiles } from './select.ts';
import { offlineMaster } from './serve.ts';

const file = (p: string) => ({
  path: p,
  size: 1,
  sha256: 'a'.repeat(64),
  contentType: 'x',
  url: `/content/${p}`,
});

describe('choosing what to download', () => {
  it('takes the preferred rendition, else the nearest lower one, else the lowest there is', () => {
    expect(chooseRendition(['360p', '720p'], '720p')).toBe('720p');
    expect(chooseRendition(['360p', '720p'], '1080p')).toBe('720p');
    expect(chooseRendition(['720p', '360p'], '360p')).toBe('360p');
    expect(chooseRendition(['720p', '1080p'], '360p')).toBe('720p');
    expect(chooseRendition([], '720p')).toBeNull();
  });

  it('keeps the master, the poster and one rendition folder of a video; every file of anything else', () => {
    const video: ManifestAsset = {
      id: '0190f0c8-0000-7000-8000-000000000001',
      kind: 'video',
      originalName: 'clip.mp4',
      mimeType: 'video/mp4',
      status: 'ready',
      entry: 'hls/master.m3u8',
      streamUrl: '/content/t/1/s/assets/x/hls/master.m3u8',
      files: [
        'hls/master.m3u8',
        'hls/poster.jpg',
        'hls/360p/index.m3u8',
        'hls/360p/init.mp4',
        'hls/360p/seg-0000.m4s',
        'hls/720p/index.m3u8',
        'hls/720p/init.mp4',
        'hls/720p/seg-0000.m4s',
        'hls/720p/seg-0001.m4s',
      ].map(file),
    };
    expect(selectAssetFiles(video, '1080p').map((f) => f.path)).toEqual([
      'hls/master.m3u8',
      'hls/poster.jpg',
      'hls/720p/index.m3u8',
      'hls/720p/init.mp4',
      'hls/720p/seg-0000.m4s',
      'hls/720p/seg-0001.m4s',
    ]);
    expect(selectAssetFiles(video, '360p').map((f) => f.path)).toEqual([
      'hls/master.m3u8',
      'hls/poster.jpg',
      'hls/360p/index.m3u8',
      'hls/360p/init.mp4',
      'hls/360p/seg-0000.m4s',
    ]);
    expect(selectAssetFiles({ ...video, status: 'processing', entry: null }, '720p')).toEqual([]);
    const pdf = {
      ...video,
      kind: 'slides' as const,
      entry: 'original/deck.pdf',
      files: [file('original/deck.pdf')],
    };
    expect(selectAssetFiles(pdf, '720p').map((f) => f.path)).toEqual(['original/deck.pdf']);
  });

  it('lists only stored variants in the offline master playlist', () => {
    const master = [
      '#EXTM3U',
      '#EXT-X-VERSION:7',
      '#EXT-X-STREAM-INF:BANDWIDTH=1',
      '360p/index.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=2',
      '720p/index.m3u8',
      '',
    ].join('\n');
    expect(offlineMaster(master, (u) => u === '720p/index.m3u8')).toBe(
      ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-STREAM-INF:BANDWIDTH=2', '720p/index.m3u8', ''].join('\n'),
    );
  });

  it('refuses relative paths that could leave their folder', () => {
    expect(isSafeRelPath('a/b/hls/720p/seg-0000.m4s')).toBe(true);
    for (const bad of ['', '/etc/passwd', 'a/../b', './a', 'a//b', 'a\\..\\b', 'c:/x', 'a/\0'])
      expect(isSafeRelPath(bad)).toBe(false);
  });
});
