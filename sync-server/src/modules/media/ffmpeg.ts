import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mediaTools } from './binaries.ts';
import { redactPaths } from './messages.ts';

/** Paths of the ffmpeg / ffprobe binaries in use: the system's when current, else npm's (see binaries.ts). */
export const ffmpegPath = mediaTools().ffmpeg;
export const ffprobePath = mediaTools().ffprobe;

/** A source that cannot be packaged (not a video, unreadable, refused by the checks): retrying will not help. */
export class UnpackableSourceError extends Error {}

/** Resource limits for one ffmpeg/ffprobe run on an untrusted file. */
export interface SandboxLimits {
  /** Kill the process after this long. */
  timeoutMs: number;
  /** Address-space limit (bytes), applied through prlimit when it is installed; 0: none. */
  memoryBytes: number;
}

export const DEFAULT_PROBE_LIMITS: SandboxLimits = { timeoutMs: 30_000, memoryBytes: 1024 ** 3 };

/** Only local files: an uploaded playlist (HLS, concat) cannot make ffmpeg fetch a URL or read another protocol. */
export const PROTOCOL_WHITELIST = ['-protocol_whitelist', 'file'];

/** Limits the probe refuses beyond: nothing a course video needs, and what a decompression bomb would claim. */
export const PROBE_BOUNDS = { maxWidth: 7680, maxHeight: 4320, maxDurationSeconds: 6 * 3600 } as const;

/**
 * Containers accepted as an uploaded video (ffprobe's format_name, a comma list of aliases): the MP4/QuickTime and
 * Matroska/WebM families, what the upload sniffing accepts as video (content/sniff.ts).
 */
const VIDEO_CONTAINERS = new Set(['mov', 'mp4', 'm4a', '3gp', '3g2', 'mj2', 'matroska', 'webm']);
const VIDEO_CODECS = new Set([
  'h264',
  'hevc',
  'vp8',
  'vp9',
  'av1',
  'mpeg4',
  'mpeg2video',
  'mpeg1video',
  'theora',
  'prores',
  'mjpeg',
  'wmv3',
  'vc1',
  'flv1',
  'h263',
  'dnxhd',
]);

/** A run killed at its time limit: permanent too (the same file would take as long again). */
export class FfmpegTimeoutError extends UnpackableSourceError {}

const PRLIMIT = ['/usr/bin/prlimit', '/bin/prlimit'].find((p) => existsSync(p)) ?? null;

interface ProbeJson {
  format?: { duration?: string; format_name?: string };
  streams?: {
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    duration?: string;
    disposition?: { attached_pic?: number };
  }[];
}

export interface ProbeInfo {
  durationSeconds: number;
  width: number;
  height: number;
  hasAudio: boolean;
}

/**
 * Run a binary on an untrusted file: killed (SIGKILL) after limits.timeoutMs, its address space capped through
 * prlimit when available. Rejects with FfmpegTimeoutError on the time limit, AbortError when the signal fires.
 */
export function runSandboxed(
  bin: string,
  args: string[],
  limits: SandboxLimits,
  opts: { signal?: AbortSignal; onStdout?: (chunk: string) => void } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const [cmd, argv] =
      PRLIMIT && limits.memoryBytes > 0
        ? [PRLIMIT, [`--as=${Math.floor(limits.memoryBytes)}`, '--core=0', '--', bin, ...args]]
        : [bin, args];
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], signal: opts.signal });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limits.timeoutMs);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      if (opts.onStdout) opts.onStdout(c);
      else stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr = (stderr + c).slice(-8000);
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (timedOut)
        reject(
          new FfmpegTimeoutError(
            `Processing took longer than ${Math.round(limits.timeoutMs / 1000)} s and was stopped`,
          ),
        );
      else resolve({ code, stdout, stderr });
    });
  });
}

const lastLine = (s: string) =>
  redactPaths(
    s
      .trim()
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? 'unknown error',
  );

/**
 * Read duration, picture size and audio presence before anything decodes the file. Refused with a readable reason:
 * a container or codec that is not an ordinary video, absurd dimensions or duration, no duration, no video.
 */
export async function probe(
  file: string,
  signal?: AbortSignal,
  limits: SandboxLimits = DEFAULT_PROBE_LIMITS,
): Promise<ProbeInfo> {
  let result;
  try {
    result = await runSandboxed(
      ffprobePath,
      [...PROTOCOL_WHITELIST, '-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file],
      limits,
      { signal },
    );
  } catch (err) {
    if (err instanceof FfmpegTimeoutError) throw new UnpackableSourceError('The file took too long to read');
    throw err;
  }
  const { code, stdout, stderr } = result;
  if (code !== 0)
    throw new UnpackableSourceError(`The file could not be read as a video: ${lastLine(stderr)}`);
  let info: ProbeJson;
  try {
    info = JSON.parse(stdout) as ProbeJson;
  } catch {
    throw new UnpackableSourceError('The file could not be read as a video');
  }
  const formats = (info.format?.format_name ?? '').split(',');
  if (!formats.some((f) => VIDEO_CONTAINERS.has(f)))
    throw new UnpackableSourceError(
      `The file is not a video container this server accepts (${info.format?.format_name || 'unknown'}); upload MP4, MOV, WebM or MKV`,
    );
  const streams = info.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (!video || !video.width || !video.height)
    throw new UnpackableSourceError('The file has no video stream');
  if (!VIDEO_CODECS.has(video.codec_name ?? ''))
    throw new UnpackableSourceError(`The video codec ${video.codec_name ?? 'unknown'} is not accepted`);
  if (video.width > PROBE_BOUNDS.maxWidth || video.height > PROBE_BOUNDS.maxHeight)
    throw new UnpackableSourceError(
      `The picture is ${video.width}×${video.height}; at most ${PROBE_BOUNDS.maxWidth}×${PROBE_BOUNDS.maxHeight} is accepted`,
    );
  const duration = Number(info.format?.duration ?? video.duration);
  if (!Number.isFinite(duration) || duration <= 0.05)
    throw new UnpackableSourceError('The file has no duration (a still image is not a video)');
  if (duration > PROBE_BOUNDS.maxDurationSeconds)
    throw new UnpackableSourceError(
      `The video lasts ${Math.round(duration / 60)} minutes; at most ${PROBE_BOUNDS.maxDurationSeconds / 3600} hours is accepted`,
    );
  return {
    durationSeconds: duration,
    width: video.width,
    height: video.height,
    hasAudio: streams.some((s) => s.codec_type === 'audio'),
  };
}

/** Seconds of output written so far, from one block of `-progress` key=value lines (out_time_us / out_time_ms are both µs). */
export function parseProgressSeconds(block: string): number | null {
  let micros: number | null = null;
  for (const line of block.split('\n')) {
    const [k, v] = line.trim().split('=', 2);
    if ((k === 'out_time_us' || (k === 'out_time_ms' && micros === null)) && v && /^\d+$/.test(v))
      micros = Number(v);
  }
  return micros === null ? null : micros / 1e6;
}

/**
 * Run ffmpeg with `-progress pipe:1` (callers put PROTOCOL_WHITELIST before each `-i` of an untrusted file), calling onProgress with seconds of output written. Rejects with the tail of
 * ffmpeg's stderr on a non-zero exit, or with an AbortError when the signal fires (the process is killed).
 */
export async function runFfmpeg(
  args: string[],
  opts: {
    signal?: AbortSignal;
    onProgress?: (seconds: number) => void;
    /** Time and memory limits; default: none beyond the protocol whitelist (trusted inputs: the seed's own clips). */
    limits?: SandboxLimits;
  } = {},
): Promise<void> {
  let pending = '';
  const { code, stderr } = await runSandboxed(
    ffmpegPath,
    ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-nostats', '-progress', 'pipe:1', ...args],
    opts.limits ?? { timeoutMs: 2 ** 31 - 1, memoryBytes: 0 },
    {
      signal: opts.signal,
      onStdout: (chunk) => {
        pending += chunk;
        // Each report ends with a progress=continue|end line.
        let i: number;
        while ((i = pending.search(/progress=\w+\n/)) >= 0) {
          const end = pending.indexOf('\n', i) + 1;
          const seconds = parseProgressSeconds(pending.slice(0, end));
          pending = pending.slice(end);
          if (seconds !== null) opts.onProgress?.(seconds);
        }
      },
    },
  );
  if (code !== 0) throw new Error(`ffmpeg failed (exit ${code}): ${lastLine(stderr)}`);
}
