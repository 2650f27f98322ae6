import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '@lyceum/testing';
import { buildServer } from '../build.ts';
import { createTestDatabase } from './harness.ts';

/**
 * Production runs compiled JavaScript (issue 12, defect 10): the bundle builds, starts on its own (no tsx), serves
 * /health and /ready with the processor in its worker thread, and stops cleanly on SIGTERM. The Dockerfile runs that
 * bundle as a non-root user on the current Node LTS with an init process as PID 1.
 */
const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Under dist/ (ignored by git, eslint and prettier); node finds the packages from there as from dist/server.
const outRoot = path.join(serverDir, 'dist', `build-test-${randomBytes(4).toString('hex')}`);
afterAll(() => fs.rm(outRoot, { recursive: true, force: true }));

describe('the compiled server', () => {
  it('builds, starts with node alone, answers /health and /ready, and stops on SIGTERM', async () => {
    const main = await buildServer(path.join(outRoot, 'server'));
    const db = await createTestDatabase();
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-build-test-'));
    const port = await freePort();
    const child = spawn(process.execPath, [main, 'start'], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        DATABASE_URL: db.url,
        LYCEUM_DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        JWT_SECRET: randomBytes(32).toString('hex'),
        SEED_DEMO: 'false',
        LOG_FORMAT: 'json',
        ANALYTICS_PROCESSOR: 'thread',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (c: Buffer) => (log += c.toString()));
    child.stderr.on('data', (c: Buffer) => (log += c.toString()));
    const exited = new Promise<number | string>((r) =>
      child.once('exit', (code, sig) => r(code ?? sig ?? '?')),
    );
    try {
      const url = `http://127.0.0.1:${port}`;
      await expect
        .poll(
          () =>
            fetch(`${url}/ready`).then(
              (r) => r.status,
              () => 0,
            ),
          { timeout: 60_000, interval: 250 },
        )
        .toBe(200);
      expect((await fetch(`${url}/health`)).status).toBe(200);
      const doc = (await (await fetch(`${url}/api/openapi.json`)).json()) as { paths: object };
      expect(Object.keys(doc.paths).length).toBeGreaterThan(30);
      child.kill('SIGTERM');
      const code = await exited;
      expect(code, log.slice(-3000)).toBe(0);
      expect(log).not.toMatch(/"level":(50|60)/);
    } finally {
      child.kill('SIGKILL');
      await db.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('deploy/Dockerfile', () => {
  it('runs the compiled bundle as a non-root user on Node LTS, with an init as PID 1 and not npm', async () => {
    const text = await fs.readFile(path.join(serverDir, '../deploy/Dockerfile'), 'utf8');
    const lines = text.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
    const froms = lines.filter((l) => /^FROM /i.test(l));
    // Every stage on the current LTS line (24), Debian slim.
    for (const f of froms) expect(f).toMatch(/^FROM node:24-bookworm-slim\b/);
    const runtime = text.slice(text.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^USER (lyceum|node)\s*$/m);
    expect(runtime).not.toMatch(/^USER root/m);
    const entry = /^ENTRYPOINT (.+)$/m.exec(runtime)?.[1] ?? '';
    expect(JSON.parse(entry)).toEqual(['/usr/bin/tini', '--']);
    const cmd = JSON.parse(/^CMD (.+)$/m.exec(runtime)?.[1] ?? '[]') as string[];
    expect(cmd[0]).toBe('node');
    expect(cmd.some((a) => a.endsWith('dist/server/main.mjs'))).toBe(true);
    expect(cmd).not.toContain('npm');
    expect(runtime).toMatch(/apt-get install[^\n]*\bffmpeg\b/);
    expect(runtime).toMatch(/apt-get install[^\n]*\btini\b/);
  });
});
