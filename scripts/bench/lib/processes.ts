import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '../../../sync-server/src/runtime/heap.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface Child {
  proc: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/** Start a TypeScript entry point with tsx in its own process and wait until `readyPath` answers 200. */
export async function startProcess(
  entry: string,
  args: string[],
  env: Record<string, string>,
  port: number,
  readyPath: string,
): Promise<Child> {
  const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
  // BENCH_NODE_FLAGS: more flags for the server processes, after the usual ones (e.g. "--cpu-prof --cpu-prof-dir=/tmp/p").
  const extra = (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  const proc = spawn(tsx, [...SERVER_NODE_FLAGS, ...extra, entry, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${entry} exited early (${proc.exitCode}): ${stderr}`);
    try {
      const r = await fetch(url + readyPath);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`${entry} did not become ready: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    proc,
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 15_000).unref();
      }),
  };
}
