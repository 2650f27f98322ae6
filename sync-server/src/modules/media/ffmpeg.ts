import { spawn } from 'node:child_process';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';
import ffprobeInstaller from '@ffprobe-installer/ffprobe';

/** Paths of the ffmpeg / ffprobe binaries shipped by npm (@ffmpeg-installer, @ffprobe-installer). */
export const ffmpegPath = ffmpegInstaller.path;
export const ffprobePath = ffprobeInstaller.path;

/** A source that cannot be packaged (not a video, unreadable): retrying will not help. */
export class UnpackableSourceError extends Error {}

export interface ProbeInfo {
  durationSeconds: number;
  width: number;
  height: number;
  hasAudio: boolean;
}

interface ProbeJson {
  format?: { duration?: string; format_name?: string };
  streams?: {
    codec_type?: string;
    width?: number;
    height?: number;
    duration?: string;
    disposition?: { attached_pic?: number };
  }[];
}

function run(
  bin: string,
  args: string[],
  opts: { signal?: AbortSignal; onStdout?: (chunk: string) => void } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: opts.signal });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      if (opts.onStdout) opts.onStdout(c);
      else stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr = (stderr + c).slice(-8000);
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const lastLine = (s: string) =>
  s
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .at(-1) ?? 'unknown error';

/** Read duration, picture size and audio presence; a file that is not a playable video is refused with a readable reason. */
export async function probe(file: string, signal?: AbortSignal): Promise<ProbeInfo> {
  const { code, stdout, stderr } = await run(
    ffprobePath,
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file],
    { signal },
  );
  if (code !== 0) throw new UnpackableSourceError(`ffprobe could not read the file: ${lastLine(stderr)}`);
  let info: ProbeJson;
  try {
    info = JSON.parse(stdout) as ProbeJson;
  } catch {
    throw new UnpackableSourceError('ffprobe could not read the file: unparseable output');
  }
  const streams = info.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (!video || !video.width || !video.height)
    throw new UnpackableSourceError('The file has no video stream');
  const duration = Number(info.format?.duration ?? video.duration);
  if (!Number.isFinite(duration) || duration <= 0.05)
    throw new UnpackableSourceError('The file has no duration (a still image is not a video)');
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
 * Run ffmpeg with `-progress pipe:1`, calling onProgress with seconds of output written. Rejects with the tail of
 * ffmpeg's stderr on a non-zero exit, or with an AbortError when the signal fires (the process is killed).
 */
export async function runFfmpeg(
  args: string[],
  opts: { signal?: AbortSignal; onProgress?: (seconds: number) => void } = {},
): Promise<void> {
  let pending = '';
  const { code, stderr } = await run(
    ffmpegPath,
    ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-nostats', '-progress', 'pipe:1', ...args],
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
