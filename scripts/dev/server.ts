import { SERVER_NODE_FLAGS } from '../../sync-server/src/runtime/heap.ts';
import type { OutputRelay } from './output.ts';
import { start, stop, type Managed } from './processes.ts';

/**
 * The sync server under `npm start`: started, stopped and started again on the same address (the desktop app was
 * given it), with its JSON logs going through the launcher's relay. `crashed` resolves only when it ends unasked.
 */
export function syncServer(o: { root: string; tsx: string; relay: OutputRelay }) {
  let proc: Managed | null = null;
  let url: string | null = null;
  let stopping = false;
  let crash: (code: number | string) => void = () => {};
  const crashed = new Promise<number | string>((resolve) => (crash = resolve));

  async function waitReady(p: Managed): Promise<string> {
    const announced = await new Promise<string>((resolve, reject) => {
      let seen = '';
      p.child.stdout?.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        const m = /ready at (https?:\/\/\S+)/.exec(seen);
        if (m?.[1]) resolve(m[1].replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//127.0.0.1:'));
      });
      void p.exited.then((code) =>
        reject(new Error(`The sync server stopped before it was ready (exit ${code}).`)),
      );
    });
    for (let i = 0; i < 240; i++) {
      const ok = await fetch(`${announced}/ready`, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return announced;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`The sync server at ${announced} did not become ready.`);
  }

  return {
    crashed,
    get running(): boolean {
      return proc !== null;
    },
    /** Start it and resolve with its URL once /ready answers (its start-up logs stay held in the relay). */
    async start(): Promise<string> {
      o.relay.hold();
      const again = url ? new URL(url) : null;
      const p = start(
        'sync server',
        process.execPath,
        [o.tsx, ...SERVER_NODE_FLAGS, 'sync-server/src/main.ts', 'start'],
        {
          cwd: o.root,
          env: {
            ...process.env,
            INIT_CWD: process.env.INIT_CWD ?? process.cwd(),
            // The launcher renders the records itself (see OutputRelay), so it asks for them as JSON.
            LOG_FORMAT: 'json',
            ...(again ? { PORT: again.port, HOST: again.hostname } : {}),
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
        'service',
      );
      proc = p;
      o.relay.attach(p.child.stdout);
      p.child.stderr?.pipe(process.stderr, { end: false });
      let ready = false;
      void p.exited.then((code) => {
        if (proc === p) proc = null;
        // Ending before it was ready is a failed start (start() rejects), not a crash of a running server.
        if (ready && !stopping) crash(code);
      });
      url = await waitReady(p);
      ready = true;
      return url;
    },
    /** Stop it (the desktop app keeps running and finds itself offline). */
    async stop(): Promise<void> {
      if (!proc) return;
      stopping = true;
      try {
        await stop(proc);
      } finally {
        stopping = false;
      }
    },
  };
}
export type SyncServer = ReturnType<typeof syncServer>;
