import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { _electron } from 'playwright-core';
import { desktopRoot } from '../../scripts/build.ts';
import { startCore } from '../core/core.ts';
import { removeDir, startSyncServer, type SyncServerProcess } from '../test-support/sync-server.ts';

/** The Electron binary, or why this machine cannot run it. */
function electronBinary(): { path: string } | { why: string } {
  let bin: unknown;
  try {
    bin = createRequire(path.join(desktopRoot, 'package.json'))('electron');
  } catch (err) {
    return {
      why: `the Electron binary is not installed (${(err instanceof Error ? err.message : String(err)).split('\n')[0]})`,
    };
  }
  if (typeof bin !== 'string' || !fs.existsSync(bin)) return { why: 'the Electron binary is not installed' };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return { why: 'no display (DISPLAY unset)' };
  return { path: bin };
}

const electron = electronBinary();
if ('why' in electron) console.log(`[desktop electron smoke] skipped: ${electron.why}`);

describe.skipIf('why' in electron)('Electron shell (smoke)', () => {
  let server: SyncServerProcess | null = null;
  let dataDir: string | null = null;
  afterAll(async () => {
    await server?.stop();
    if (server) removeDir(server.dataDir);
    if (dataDir) removeDir(dataDir);
  });

  it('launches, keeps the page isolated, and shows the catalog for the cached user', async () => {
    if (!('path' in electron)) return;
    server = await startSyncServer();
    const student = await server.user('student', 'Electron Student');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-electron-'));
    // Sign in once through a web-mode core on the same data dir; the Electron secret box still opens those tokens.
    const core = await startCore({
      config: { serverUrl: server.url, dataDir, port: 0, requestTimeoutMs: 3000 },
      rendererDir: null,
    });
    await core.session.signIn({ email: student.email, password: student.password });
    await core.close();

    const app = await _electron.launch({
      executablePath: electron.path,
      args: [desktopRoot],
      env: { ...process.env, LYCEUM_SERVER_URL: server.url, LYCEUM_DESKTOP_DATA_DIR: dataDir },
    });
    try {
      const win = await app.firstWindow();
      await win.getByRole('heading', { name: 'Course catalog' }).waitFor({ timeout: 30_000 });
      expect(await win.locator('.app-header__name').innerText()).toContain('Electron Student');
      // No Node in the page; only the small bridge.
      expect(await win.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
        'undefined',
      );
      expect(
        await win.evaluate(() => Object.keys((globalThis as { lyceum?: object }).lyceum ?? {}).sort()),
      ).toEqual(['notify', 'openExternal', 'version']);
    } finally {
      await app.close();
    }
    expect(fs.existsSync(path.join(dataDir, 'window-state.json'))).toBe(true);
  });
});
