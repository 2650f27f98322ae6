import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchChromium } from '@lyceum/testing';
import { buildMain, buildRenderer, mainStale, rendererStale, webBundle } from '../scripts/build.ts';
import { startCore } from '../src/core/core.ts';
import { removeDir, startSyncServer } from '../src/test-support/sync-server.ts';

/**
 * Desktop cold start in web mode: from spawning the core (the dist/web/cli.mjs bundle in a fresh Node process) to the first
 * course card on screen in Chromium, for a signed-in user with a cached catalog, online and offline. Target ≤ 2 s.
 * Baseline in the same run: reloading the page against the already-running core (what the UI alone costs).
 * Run: npx tsx desktop/bench/cold-start.ts [runs=5]
 */

const runs = Number(process.argv[2] ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  if (rendererStale()) await buildRenderer();
  if (mainStale()) await buildMain();
  const server = await startSyncServer();
  const teacher = await server.user('instructor', 'Bench Teacher');
  for (let i = 1; i <= 60; i++) {
    await server.publishedCourse(teacher, {
      title: `Bench course ${i}`,
      subject: ['Math', 'Art', 'Code'][i % 3]!,
      modules: [{ title: 'M', lessons: [{ title: 'L', kind: 'text', body: 'x' }] }],
    });
  }
  const student = await server.user('student', 'Bench Student');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-bench-desktop-'));
  const seed = await startCore({
    config: { serverUrl: server.url, dataDir, port: 0, requestTimeoutMs: 3000 },
    rendererDir: null,
  });
  await seed.session.signIn({ email: student.email, password: student.password });
  await seed.catalog.search({ limit: 20 });
  await seed.close();
  const browser = await launchChromium();

  async function coldStart(): Promise<{ total: number; core: number; reload: number }> {
    const t0 = performance.now();
    const child = spawn(process.execPath, [webBundle], {
      env: { ...process.env, LYCEUM_SERVER_URL: server.url, LYCEUM_DESKTOP_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+\/\?launch=\S+)/.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`core exited ${code}`)));
    });
    const core = performance.now() - t0;
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    await page.locator('.course-card').first().waitFor();
    const total = performance.now() - t0;
    const r0 = performance.now();
    await page.reload();
    await page.locator('.course-card').first().waitFor();
    const reload = performance.now() - r0;
    await context.close();
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    return { total, core, reload };
  }

  const report = (label: string, xs: { total: number; core: number; reload: number }[]) =>
    console.log(
      `${label.padEnd(8)} cold start → catalog shown: median ${median(xs.map((x) => x.total)).toFixed(0)} ms ` +
        `(core up ${median(xs.map((x) => x.core)).toFixed(0)} ms) | baseline, page reload on a warm core: ` +
        `${median(xs.map((x) => x.reload)).toFixed(0)} ms | target ≤ 2000 ms`,
    );

  try {
    const online = [];
    for (let i = 0; i < runs; i++) online.push(await coldStart());
    report('online', online);
    await server.stop();
    const offline = [];
    for (let i = 0; i < runs; i++) offline.push(await coldStart());
    report('offline', offline);
  } finally {
    await browser.close();
    await server.stop();
    removeDir(server.dataDir);
    removeDir(dataDir);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
