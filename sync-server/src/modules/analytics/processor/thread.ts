import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Config } from '../../../config.ts';
import { WORKER_RESOURCE_LIMITS } from '../../../runtime/heap.ts';
import { logSettings } from '../../../runtime/logger.ts';
import type { CommittedBatch } from './group.ts';
import type { FromThread, ThreadData, ToThread } from './thread-main.ts';

export interface ProcessorThread {
  /** Stop consuming (the batch in hand is committed first) and end the thread. */
  stop(): Promise<void>;
}

const STOP_TIMEOUT_MS = 15_000;

/**
 * The worker's first code: the server runs from TypeScript sources through tsx, whose loader hooks do not reach
 * worker threads by themselves, so the worker registers them before importing its entry.
 */
function bootstrap(entry: URL): string {
  const tsx = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
}

/**
 * Start the analytics processor in a worker thread (thread-main.ts) on its own connections; resolves once it has
 * joined the consumer group. Each committed batch is reported to `onBatch` on this thread.
 */
export function startProcessorThread(o: {
  config: Config;
  databaseUrl: string;
  logger: Logger;
  onBatch: (b: CommittedBatch) => void;
}): Promise<ProcessorThread> {
  const data: ThreadData = { config: o.config, databaseUrl: o.databaseUrl, log: logSettings(o.config) };
  // Compiled (dist/server/main.mjs, see build.ts): the thread's own bundle beside it; from sources: through tsx.
  const compiled = import.meta.url.endsWith('.mjs');
  const worker = new Worker(
    compiled
      ? new URL('./thread-main.mjs', import.meta.url)
      : bootstrap(new URL('./thread-main.ts', import.meta.url)),
    {
      eval: !compiled,
      workerData: data,
      resourceLimits: WORKER_RESOURCE_LIMITS,
    },
  );
  let stopped: (() => void) | null = null;
  let exited = false;
  let ready: (() => void) | null = null;
  worker.on('message', (m: FromThread) => {
    if (m.type === 'batch') o.onBatch(m);
    else if (m.type === 'stopped') stopped?.();
    else ready?.();
  });
  return new Promise<ProcessorThread>((resolve, reject) => {
    const onStartError = (err: unknown) => reject(err instanceof Error ? err : new Error(String(err)));
    worker.once('error', onStartError);
    worker.once('exit', (code) => {
      exited = true;
      reject(new Error(`the analytics processor thread exited (${code}) before it was ready`));
    });
    ready = () => {
      ready = null;
      worker.off('error', onStartError);
      worker.on('error', (err) => o.logger.error({ err }, 'analytics processor thread failed'));
      resolve({
        async stop() {
          if (exited) return;
          const done = new Promise<void>((r) => {
            stopped = r;
            worker.once('exit', () => r());
          });
          worker.postMessage({ type: 'stop' } satisfies ToThread);
          const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
          await done;
          clearTimeout(timer);
          await worker.terminate();
        },
      });
    };
  });
}
