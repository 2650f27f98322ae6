import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ffmpegPath } from './ffmpeg.ts';

/** Make a test video with the real ffmpeg: 720p test pattern with a 440 Hz tone, H.264 + AAC in MP4. */
export async function makeTestVideo(file: string, seconds = 10): Promise<void> {
  await promisify(execFile)(ffmpegPath, [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', 'testsrc=size=1280x720:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440'],
    ...['-t', String(seconds), '-c:v', 'libx264', '-c:a', 'aac', '-pix_fmt', 'yuv420p', file],
  ]);
}
