import { execFileSync } from 'node:child_process';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';
import ffprobeInstaller from '@ffprobe-installer/ffprobe';

/** The oldest ffmpeg major version trusted to decode uploads (the npm build, 4.1 from 2018, is older). */
export const MIN_FFMPEG_MAJOR = 5;

export interface MediaTools {
  ffmpeg: string;
  ffprobe: string;
  /** 'system': found on PATH and new enough; 'bundled': the npm build, a fallback. */
  source: 'system' | 'bundled';
  version: string;
  /** Set when the bundled fallback is used: why, for the log. */
  warning: string | null;
}

/**
 * The version in `ffmpeg -version`'s first line: `ffmpeg version 5.1.8-0+deb12u1 …` → { major: 5 }; `n6.1` → 6.
 * Git snapshots (`N-113445-g…`) are newer than any release and count as current. Null when unreadable.
 */
export function parseFfmpegVersion(output: string): { text: string; major: number } | null {
  const m = /\b(?:ffmpeg|ffprobe) version (\S+)/.exec(output);
  if (!m) return null;
  const text = m[1]!;
  if (/^N-\d+/.test(text)) return { text, major: Number.POSITIVE_INFINITY };
  const v = /^n?(\d+)\./.exec(text);
  return v ? { text, major: Number(v[1]) } : null;
}

function versionOf(bin: string): { text: string; major: number } | null {
  try {
    const out = execFileSync(bin, ['-version'], {
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return parseFfmpegVersion(out);
  } catch {
    return null;
  }
}

/**
 * Pick the ffmpeg/ffprobe pair: the system's (`ffmpeg`/`ffprobe` on PATH, or FFMPEG_PATH/FFPROBE_PATH) when both run
 * and are at least MIN_FFMPEG_MAJOR; otherwise the npm-bundled build, with a warning to log.
 */
export function resolveMediaTools(env: Record<string, string | undefined> = process.env): MediaTools {
  const ffmpeg = env.FFMPEG_PATH || 'ffmpeg';
  const ffprobe = env.FFPROBE_PATH || 'ffprobe';
  const v = versionOf(ffmpeg);
  const pv = versionOf(ffprobe);
  if (v && pv && v.major >= MIN_FFMPEG_MAJOR && pv.major >= MIN_FFMPEG_MAJOR)
    return { ffmpeg, ffprobe, source: 'system', version: v.text, warning: null };
  const why =
    !v || !pv
      ? 'no system ffmpeg/ffprobe was found'
      : `the system ffmpeg is ${v.text} (older than ${MIN_FFMPEG_MAJOR})`;
  const bundled = versionOf(ffmpegInstaller.path);
  return {
    ffmpeg: ffmpegInstaller.path,
    ffprobe: ffprobeInstaller.path,
    source: 'bundled',
    version: bundled?.text ?? 'unknown',
    warning: `${why}: falling back to the bundled ffmpeg ${bundled?.text ?? ''} — an old build decoding untrusted uploads; install a current ffmpeg (e.g. apt-get install ffmpeg)`,
  };
}

let cached: MediaTools | null = null;
/** The tools this process uses (resolved once). */
export function mediaTools(): MediaTools {
  cached ??= resolveMediaTools();
  return cached;
}
