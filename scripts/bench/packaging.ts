// tsx scripts/bench/packaging.ts — how long packaging a video takes per minute of 720p input, as a ratio to ffmpeg
// run directly on the same file with the same settings (same renditions, same encoder options, no storage work).
// BENCH_PACKAGING_SECONDS sets the input length (default 60), BENCH_PACKAGING_RUNS the interleaved runs (default 2). Also importable: benchPackaging() for bench:content.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { filesystemStorage } from '../../sync-server/src/modules/content/storage-fs.ts';
import { ffmpegPath, probe, runFfmpeg } from '../../sync-server/src/modules/media/ffmpeg.ts';
import { hlsArgs, packageVideo, planRenditions } from '../../sync-server/src/modules/media/package.ts';

const RUNS = Number(process.env.BENCH_PACKAGING_RUNS ?? 2);

export interface PackagingBench {
  inputSeconds: number;
  directSeconds: number;
  packagingSeconds: number;
  /** Seconds of work per minute of 720p input. */
  directPerMinute: number;
  packagingPerMinute: number;
  ratio: number;
}

export async function benchPackaging(inputSeconds = 60): Promise<PackagingBench> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-bench-packaging-'));
  try {
    const storage = filesystemStorage(path.join(dir, 'store'));
    const source = path.join(dir, 'store', 'assets', 'src', 'original.mp4');
    await fs.mkdir(path.dirname(source), { recursive: true });
    // A moving test pattern with audio, 720p25, H.264 + AAC — a typical screen-recorded lecture is easier than this.
    await promisify(execFile)(ffmpegPath, [
      ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440', '-t', String(inputSeconds)],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-c:a', 'aac', '-pix_fmt', 'yuv420p', source],
    ]);

    // Interleaved runs (the machine may be busy); the best of each is compared.
    //   ffmpeg directly: the same HLS command the packager runs, into a plain folder.
    //   the packager: probe, the same encode, poster, master playlist, hashing and writing through the storage port.
    const info = await probe(source);
    const plan = planRenditions(info);
    let directSeconds = Infinity;
    let packagingSeconds = Infinity;
    for (let run = 0; run < RUNS; run++) {
      const out = path.join(dir, `direct-${run}`);
      for (const r of plan) await fs.mkdir(path.join(out, r.name), { recursive: true });
      let t0 = performance.now();
      await runFfmpeg(hlsArgs(source, out, info, plan));
      directSeconds = Math.min(directSeconds, (performance.now() - t0) / 1000);
      await fs.rm(out, { recursive: true });
      t0 = performance.now();
      await packageVideo({ storage, assetId: `bench-${run}`, sourceKey: 'assets/src/original.mp4' });
      packagingSeconds = Math.min(packagingSeconds, (performance.now() - t0) / 1000);
    }
    const perMinute = (s: number) => (s * 60) / info.durationSeconds;
    return {
      inputSeconds: info.durationSeconds,
      directSeconds,
      packagingSeconds,
      directPerMinute: perMinute(directSeconds),
      packagingPerMinute: perMinute(packagingSeconds),
      ratio: packagingSeconds / directSeconds,
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await benchPackaging(Number(process.env.BENCH_PACKAGING_SECONDS ?? 60));
  console.log(
    `[bench:packaging] input: ${r.inputSeconds.toFixed(1)} s of 1280x720 H.264/AAC; ${os.availableParallelism()} cores`,
  );
  console.log(
    `[bench:packaging] ffmpeg directly: ${r.directSeconds.toFixed(2)} s (${r.directPerMinute.toFixed(2)} s per minute of input)`,
  );
  console.log(
    `[bench:packaging] packaging:       ${r.packagingSeconds.toFixed(2)} s (${r.packagingPerMinute.toFixed(2)} s per minute of input)`,
  );
  console.log(`[bench:packaging] ratio packaging / ffmpeg: ${r.ratio.toFixed(3)}`);
}
