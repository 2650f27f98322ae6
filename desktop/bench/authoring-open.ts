import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DraftEditBody, type DraftView } from '../src/contracts/authoring.ts';
import { startCore, type Core } from '../src/core/core.ts';
import { removeDir, startSyncServer } from '../src/test-support/sync-server.ts';

/**
 * Desktop half of bench:authoring: open a 300-lesson course in Teach, cold (a core just started on the data folder,
 * its first GET /api/teach/drafts/:id), offline, with the server's draft pulled and then with 2,000 edits made
 * offline still pending on top. Target ≤ 500 ms. Run: npx tsx desktop/bench/authoring-open.ts [runs=5]
 */
const runs = Number(process.argv[2] ?? 5);
const PENDING = Number(process.env.BENCH_EDITS ?? 2000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const log = (m: string) => console.log(`[bench:authoring desktop] ${m}`);

async function main(): Promise<void> {
  const server = await startSyncServer();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-bench-authoring-'));
  try {
    const teacher = await server.user('instructor', 'Bench Author');
    const open = (serverUrl: string) =>
      startCore({
        config: { serverUrl, dataDir, port: 0, requestTimeoutMs: 2000 },
        rendererDir: null,
        sync: { autoStart: false, socket: false },
        downloads: { autoStart: false },
      });
    let core: Core = await open(server.url);
    await core.session.signIn({ email: teacher.email, password: teacher.password });
    const { courseId } = core.authoring.create({ details: { title: 'A long course', subject: 'Bench' } });
    const lessons: string[] = [];
    for (let m = 0; m < 10; m++) {
      const moduleId = randomUUID();
      core.authoring.edit(courseId, { name: 'addModule', args: { moduleId, title: `Module ${m + 1}` } });
      for (let l = 0; l < 30; l++) {
        const id = randomUUID();
        lessons.push(id);
        core.authoring.edit(
          courseId,
          DraftEditBody.parse({
            name: 'addLesson',
            args: {
              moduleId,
              lesson: {
                id,
                title: `Lesson ${m + 1}.${l + 1}`,
                kind: 'text',
                body: 'Some text. '.repeat(100),
              },
            },
          }),
        );
      }
    }
    const t0 = performance.now();
    for (let i = 0; i < 20 && core.authoring.view(courseId).pendingEdits > 0; i++) await core.sync.syncNow();
    await core.sync.syncNow();
    const synced = core.authoring.view(courseId);
    log(
      `300 lessons pushed and pulled back in ${Math.round(performance.now() - t0)} ms (pending ${synced.pendingEdits})`,
    );
    await core.close();

    // Offline from here: a server address nobody answers.
    const offline = 'http://127.0.0.1:9';
    async function coldOpen(): Promise<{ start: number; open: number; lessons: number; pending: number }> {
      const t = performance.now();
      const c = await open(offline);
      const started = performance.now();
      const res = await fetch(`${c.url}/api/teach/drafts/${courseId}`, {
        headers: { authorization: `Bearer ${c.secret}` },
      });
      const body = (await res.json()) as DraftView;
      const opened = performance.now();
      await c.close();
      if (res.status !== 200) throw new Error(`open answered ${res.status}`);
      return {
        start: started - t,
        open: opened - started,
        lessons: body.draft.doc.modules.flatMap((m) => m.lessons).length,
        pending: body.pendingEdits,
      };
    }
    const measure = async (label: string) => {
      const all = [];
      for (let i = 0; i < runs; i++) all.push(await coldOpen());
      log(
        `${label}: open ${Math.round(median(all.map((r) => r.open)))} ms median of ${runs} ` +
          `(max ${Math.round(Math.max(...all.map((r) => r.open)))} ms; core start ${Math.round(median(all.map((r) => r.start)))} ms), ` +
          `${all[0]!.lessons} lessons, ${all[0]!.pending} pending edits — target ≤ 500 ms`,
      );
    };
    await measure('server draft only');

    core = await open(offline);
    const te = performance.now();
    for (let i = 0; i < PENDING; i++) {
      const lessonId = lessons[i % lessons.length]!;
      core.authoring.edit(courseId, {
        name: 'updateLesson',
        args: { lessonId, patch: { body: `Edited offline ${i}. ${'More text. '.repeat(50)}` } },
      });
    }
    log(`${PENDING} offline edits queued in ${Math.round(performance.now() - te)} ms`);
    await core.close();
    await measure(`with ${PENDING} pending edits`);
  } finally {
    await server.stop();
    removeDir(server.dataDir);
    removeDir(dataDir);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
