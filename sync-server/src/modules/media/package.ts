import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ContentStorage } from '../content/storage.ts';
import {
  DEFAULT_PROBE_LIMITS,
  PROTOCOL_WHITELIST,
  probe,
  runFfmpeg,
  type ProbeInfo,
  type SandboxLimits,
} from './ffmpeg.ts';
import type { PackagedFile, PackagingOutput, Rendition } from './types.ts';

/** The ladder; renditions taller than the source are skipped, but at least one is always produced. */
export const LADDER = [
  { name: '360p', height: 360, videoKbps: 800, audioKbps: 96, level: '3.0', codec: 'avc1.4d401e' },
  { name: '720p', height: 720, videoKbps: 2800, audioKbps: 128, level: '3.1', codec: 'avc1.4d401f' },
] as const;
export const SEGMENT_SECONDS = 4;

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

export interface PlannedRendition {
  name: string;
  width: number;
  height: number;
  videoKbps: number;
  audioKbps: number;
  level: string;
  codec: string;
}

/** Renditions for a source: no upscaling, at least one (the smallest rung, capped at the source height). */
export function planRenditions(src: Pick<ProbeInfo, 'width' | 'height'>): PlannedRendition[] {
  const fits = LADDER.filter((r) => r.height <= src.height);
  const rungs = fits.length ? fits : [{ ...LADDER[0], height: even(Math.min(LADDER[0].height, src.height)) }];
  return rungs.map((r) => ({ ...r, width: even((src.width * r.height) / src.height) }));
}

/** ffmpeg arguments: decode once, scale per rendition, H.264 (+AAC) into HLS with fMP4 segments, one folder each. */
export function hlsArgs(source: string, outDir: string, info: ProbeInfo, plan: PlannedRendition[]): string[] {
  const split = plan.length > 1 ? `split=${plan.length}${plan.map((_, i) => `[s${i}]`).join('')};` : '';
  const scales = plan
    .map((r, i) => `${plan.length > 1 ? `[s${i}]` : '[0:v:0]'}scale=${r.width}:${r.height}[v${i}]`)
    .join(';');
  const args = [
    ...PROTOCOL_WHITELIST,
    '-i',
    source,
    '-filter_complex',
    `${plan.length > 1 ? `[0:v:0]${split}` : ''}${scales}`,
  ];
  plan.forEach((r, i) => {
    const dir = path.join(outDir, r.name);
    args.push('-map', `[v${i}]`);
    if (info.hasAudio) args.push('-map', '0:a:0', '-c:a', 'aac', '-b:a', `${r.audioKbps}k`, '-ac', '2');
    args.push(
      ...[
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-profile:v',
        'main',
        '-level',
        r.level,
        '-pix_fmt',
        'yuv420p',
      ],
      ...[
        '-b:v',
        `${r.videoKbps}k`,
        '-maxrate',
        `${Math.round(r.videoKbps * 1.07)}k`,
        '-bufsize',
        `${r.videoKbps * 1.5}k`,
      ],
      ...['-force_key_frames', `expr:gte(t,n_forced*${SEGMENT_SECONDS})`, '-sc_threshold', '0'],
      ...['-f', 'hls', '-hls_time', String(SEGMENT_SECONDS), '-hls_playlist_type', 'vod'],
      ...[
        '-hls_segment_type',
        'fmp4',
        '-hls_fmp4_init_filename',
        'init.mp4',
        '-hls_flags',
        'independent_segments',
      ],
      ...['-hls_segment_filename', path.join(dir, 'seg-%04d.m4s'), path.join(dir, 'index.m3u8')],
    );
  });
  return args;
}

/** Segments of a media playlist with their durations (EXTINF) — for bandwidth figures. */
export function parseMediaPlaylist(text: string): {
  map: string | null;
  segments: { uri: string; duration: number }[];
} {
  const lines = text.split('\n').map((l) => l.trim());
  const map = /#EXT-X-MAP:URI="([^"]+)"/.exec(text)?.[1] ?? null;
  const segments: { uri: string; duration: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^#EXTINF:([\d.]+)/.exec(lines[i]!);
    const uri = lines[i + 1];
    if (m && uri && !uri.startsWith('#')) segments.push({ uri, duration: Number(m[1]) });
  }
  return { map, segments };
}

const contentTypeOf = (file: string) =>
  file.endsWith('.m3u8')
    ? 'application/vnd.apple.mpegurl'
    : file.endsWith('.m4s')
      ? 'video/iso.segment'
      : file.endsWith('.jpg')
        ? 'image/jpeg'
        : 'video/mp4';

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(file), h);
  return h.digest('hex');
}

export interface PackageOptions {
  storage: ContentStorage;
  assetId: string;
  sourceKey: string;
  signal?: AbortSignal;
  /** 0..100 as the work advances. */
  onProgress?: (percent: number) => void;
  limits?: Partial<PackagingLimits>;
}

/** Limits on each ffmpeg run over an upload (config: MEDIA_FFMPEG_*). */
export interface PackagingLimits {
  /** Each run may take baseSeconds + perSourceSecond × the source's duration. */
  timeoutBaseSeconds: number;
  timeoutPerSourceSecond: number;
  /** Address space of each ffmpeg/ffprobe process (bytes; 0: none). */
  memoryBytes: number;
}
export const DEFAULT_PACKAGING_LIMITS: PackagingLimits = {
  timeoutBaseSeconds: 60,
  timeoutPerSourceSecond: 10,
  memoryBytes: 3 * 1024 ** 3,
};

/** The sandbox limits of one run over a source of that duration. */
export function runLimits(l: PackagingLimits, durationSeconds: number): SandboxLimits {
  return {
    timeoutMs: Math.round((l.timeoutBaseSeconds + l.timeoutPerSourceSecond * durationSeconds) * 1000),
    memoryBytes: l.memoryBytes,
  };
}

/**
 * Package a stored video: probe it, encode HLS (fMP4, ~4 s segments) per rendition plus a poster in a temp dir, then
 * put everything under assets/<assetId>/hls/ through the storage port. Throws UnpackableSourceError for non-videos.
 */
export async function packageVideo(opts: PackageOptions): Promise<PackagingOutput> {
  const { storage, assetId, signal } = opts;
  const prefix = `assets/${assetId}/hls`;
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-media-'));
  try {
    let source = storage.localPath?.(opts.sourceKey) ?? null;
    if (!source) {
      source = path.join(work, 'source');
      await pipeline(await storage.get(opts.sourceKey), createWriteStream(source), { signal });
    }
    const limits = { ...DEFAULT_PACKAGING_LIMITS, ...opts.limits };
    const info = await probe(source, signal, { ...DEFAULT_PROBE_LIMITS, memoryBytes: limits.memoryBytes });
    const sandbox = runLimits(limits, info.durationSeconds);
    const plan = planRenditions(info);
    const out = path.join(work, 'out');
    for (const r of plan) await fs.mkdir(path.join(out, r.name), { recursive: true });
    opts.onProgress?.(1);
    await runFfmpeg(hlsArgs(source, out, info, plan), {
      signal,
      limits: sandbox,
      onProgress: (s) =>
        opts.onProgress?.(Math.min(94, Math.max(1, Math.floor((s / info.durationSeconds) * 94)))),
    });
    const posterHeight = Math.min(720, info.height);
    await runFfmpeg(
      [
        '-ss',
        (info.durationSeconds * 0.1).toFixed(3),
        ...PROTOCOL_WHITELIST,
        '-i',
        source,
        '-frames:v',
        '1',
        '-vf',
        `scale=-2:${posterHeight}`,
        '-q:v',
        '3',
        path.join(out, 'poster.jpg'),
      ],
      { signal, limits: sandbox },
    );
    opts.onProgress?.(95);

    // Master playlist, with bandwidths measured on what was produced.
    const renditions: Rendition[] = [];
    for (const r of plan) {
      const { segments } = parseMediaPlaylist(
        await fs.readFile(path.join(out, r.name, 'index.m3u8'), 'utf8'),
      );
      let peak = 0;
      let bytes = 0;
      let seconds = 0;
      for (const seg of segments) {
        const size = (await fs.stat(path.join(out, r.name, seg.uri))).size;
        bytes += size;
        seconds += seg.duration;
        if (seg.duration > 0.5) peak = Math.max(peak, (size * 8) / seg.duration);
      }
      const average = seconds > 0 ? (bytes * 8) / seconds : 1;
      renditions.push({
        name: r.name,
        width: r.width,
        height: r.height,
        bandwidth: Math.max(1, Math.ceil(Math.max(peak, average))),
        averageBandwidth: Math.max(1, Math.ceil(average)),
        codecs: info.hasAudio ? `${r.codec},mp4a.40.2` : r.codec,
        playlist: `${prefix}/${r.name}/index.m3u8`,
      });
    }
    const master = [
      '#EXTM3U',
      '#EXT-X-VERSION:7',
      '#EXT-X-INDEPENDENT-SEGMENTS',
      ...renditions.flatMap((r) => [
        `#EXT-X-STREAM-INF:BANDWIDTH=${r.bandwidth},AVERAGE-BANDWIDTH=${r.averageBandwidth},RESOLUTION=${r.width}x${r.height},CODECS="${r.codecs}"`,
        `${r.name}/index.m3u8`,
      ]),
      '',
    ].join('\n');
    await fs.writeFile(path.join(out, 'master.m3u8'), master);

    // Replace whatever an earlier (crashed) run left, then upload: segments first, playlists last.
    for (const key of await storage.list(`${prefix}/`)) await storage.delete(key);
    const relFiles = (await fs.readdir(out, { recursive: true, withFileTypes: true }))
      .filter((d) => d.isFile())
      .map((d) => path.relative(out, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
      .sort((a, b) => Number(a.endsWith('.m3u8')) - Number(b.endsWith('.m3u8')) || a.localeCompare(b));
    const files: PackagedFile[] = [];
    for (const [i, rel] of relFiles.entries()) {
      signal?.throwIfAborted();
      const abs = path.join(out, rel);
      const key = `${prefix}/${rel}`;
      const contentType = contentTypeOf(rel);
      const [sha256, { size }] = await Promise.all([sha256File(abs), fs.stat(abs)]);
      await storage.put(key, createReadStream(abs), contentType);
      files.push({ key, size, sha256, contentType });
      opts.onProgress?.(95 + Math.floor((4 * (i + 1)) / relFiles.length));
    }
    return {
      durationSeconds: Math.round(info.durationSeconds * 1000) / 1000,
      renditions,
      master: `${prefix}/master.m3u8`,
      poster: `${prefix}/poster.jpg`,
      files,
    };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}
