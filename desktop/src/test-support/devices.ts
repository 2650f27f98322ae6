import type { Browser } from 'playwright-core';
import type { Core } from '../core/core.ts';
import { startProxy, type Proxy } from './proxy.ts';
import { openDevice } from './study-course.ts';
import { removeDir, type SyncServerProcess } from './sync-server.ts';

export type Device = Core & { dataDir: string };

/**
 * Devices (desktop cores) talking to one sync server, each through its own proxy so a test can cut it off; all
 * closed, and their data folders removed, by closeAll().
 */
export function deviceFleet(serverUrl: () => string) {
  const opened: { device: Device; proxy: Proxy | null }[] = [];
  return {
    async open(opts: Parameters<typeof openDevice>[1] = {}): Promise<{ d: Device; proxy: Proxy }> {
      const proxy = await startProxy(serverUrl());
      const d = await openDevice(proxy.url, opts);
      opened.push({ device: d, proxy });
      return { d, proxy };
    },
    /** Close this device with the others (one opened without a proxy). */
    track(device: Device): void {
      opened.push({ device, proxy: null });
    },
    async closeAll(): Promise<void> {
      for (const { device, proxy } of opened.splice(0)) {
        await device.close();
        await proxy?.close();
        removeDir(device.dataDir);
      }
    },
  };
}

/**
 * Close what a suite started (any of it may be missing when its setup failed) and remove the data folders: the
 * server's, the core's and any more in `dirs`.
 */
export async function stopAll(parts: {
  browser?: Browser;
  /** Its data folder is removed too when it has one (a Device). */
  core?: Core & { dataDir?: string };
  proxy?: Proxy;
  server?: SyncServerProcess;
  dirs?: (string | undefined)[];
}): Promise<void> {
  await parts.browser?.close();
  await parts.core?.close();
  await parts.proxy?.close();
  await parts.server?.stop();
  if (parts.server) removeDir(parts.server.dataDir);
  for (const dir of [parts.core?.dataDir, ...(parts.dirs ?? [])]) if (dir) removeDir(dir);
}

/** A call to a device's local HTTP API with its secret: the status and the JSON body. */
export async function localCall<T>(
  core: Pick<Core, 'url' | 'secret'>,
  method: string,
  p: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { authorization: `Bearer ${core.secret}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(core.url + p, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}
