import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '@lyceum/testing';
import { hasScript, listening } from '../../sync-server/test/server-process.ts';

/**
 * `npm start` as a person uses it, in a pseudo-terminal (`script`): one banner with no log lines in it, `s` stops the
 * sync server while the desktop app keeps running and starts it again, `q` stops everything cleanly.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsx = createRequire(import.meta.url).resolve('tsx/cli');

describe.skipIf(!hasScript)('npm start in a terminal', () => {
  let child: ChildProcess | null = null;
  let log = '';
  const output = () => stripVTControlCharacters(log).replace(/\r/g, '');
  const waitFor = async (text: string, from: number, timeout = 120_000) => {
    await expect
      .poll(() => output().indexOf(text, from), { timeout, interval: 200, message: `waiting for "${text}"` })
      .toBeGreaterThanOrEqual(0);
    return output().indexOf(text, from);
  };
  afterAll(async () => {
    // After a failure: quit as a person would, then make sure (closing the terminal also stops it, by SIGHUP).
    if (child?.exitCode !== null || !child) return;
    const gone = new Promise((r) => child!.once('exit', r));
    child.stdin?.write('q');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 30_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }, 60_000);

  it('shows one banner, toggles the sync server with s and quits cleanly with q', async () => {
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-npm-start-'));
    fs.chmodSync(dataDir, 0o755);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      LYCEUM_DATA_DIR: dataDir,
      SEED_DEMO: 'false',
      LYCEUM_DESKTOP_MODE: 'web',
    };
    for (const k of ['LOG_FORMAT', 'LOG_LEVEL', 'LYCEUM_SERVER_URL']) delete env[k];
    child = spawn(
      'script',
      ['-qfec', `exec '${process.execPath}' '${tsx}' scripts/dev/start.ts`, '/dev/null'],
      {
        cwd: root,
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', (c: Buffer) => (log += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (log += c.toString()));
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    const press = (key: string) => child!.stdin?.write(key);
    const serverUp = () =>
      fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.ok,
        () => false,
      );

    // The banner: the server's URLs, then the desktop app's link, then the keys — and no log line among them.
    const keysAt = await waitFor('Keys: s', 0, 240_000);
    const start = output().indexOf('Lyceum sync server ready at');
    expect(start, output()).toBeGreaterThanOrEqual(0);
    const banner = output().slice(start, keysAt);
    expect(banner).toContain('Open this link in your browser:');
    expect(banner, 'log lines inside the banner').not.toMatch(/^\[\d\d:\d\d:\d\d\]|"level":/m);
    expect(output(), 'JSON log lines in the terminal').not.toContain('{"level"');
    const link = /Open this link in your browser:\s+(http:\/\/\S+)/.exec(banner)![1]!;
    const desktopPort = Number(new URL(link).port);
    const pidFile = path.join(dataDir, 'postgres', 'pgdata', 'postmaster.pid');
    const pgPort = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[3]);
    expect(await serverUp()).toBe(true);

    // s: the server stops alone; the desktop app keeps answering.
    press('s');
    const stoppedAt = await waitFor('Sync server stopped', keysAt, 30_000);
    expect(await serverUp()).toBe(false);
    expect(await listening(pgPort)).toBe(false);
    expect((await fetch(link)).status).toBeLessThan(500);

    // s again: back on the same address.
    press('s');
    await waitFor('Sync server is back at', stoppedAt, 120_000);
    expect(await serverUp()).toBe(true);

    // q: everything stops, in order, without a warning or a stack trace.
    const quitAt = output().length;
    press('q');
    const code = await Promise.race([
      exited,
      new Promise((r) => setTimeout(() => r('still running'), 30_000)),
    ]);
    expect(code, output()).toBe(0);
    const shutdown = output().slice(quitAt);
    expect(shutdown.indexOf('Stopping the desktop app')).toBeLessThan(
      shutdown.indexOf('Stopping the sync server'),
    );
    expect(shutdown).toContain('Stopped.');
    expect(
      output()
        .split('\n')
        .filter((l) => /WARN|ERROR|FATAL|Error|^\s+at /.test(l)),
    ).toEqual([]);
    expect(fs.existsSync(pidFile)).toBe(false);
    expect(await listening(desktopPort)).toBe(false);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 420_000);
});
