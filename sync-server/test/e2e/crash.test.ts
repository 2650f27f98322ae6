import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthResponse, Preferences } from '@lyceum/contracts';
import { listening, startServerProcess, type ServerProcess } from '../server-process.ts';

/**
 * Faults of the process and of its embedded PostgreSQL: the server killed outright (SIGKILL leaves its PostgreSQL,
 * in a process group of its own, running), and PostgreSQL killed under a running server.
 */

const running: ServerProcess[] = [];
afterEach(() => {
  for (const s of running.splice(0).reverse()) s.kill();
});

const postmasterPid = (s: ServerProcess) => Number(fs.readFileSync(s.pidFile, 'utf8').split('\n')[0]);
/** The server's own process (tsx runs it as a child of the process started): the owner its PostgreSQL records. */
const serverPid = (s: ServerProcess) =>
  Number(fs.readFileSync(path.join(s.dataDir, 'postgres', 'postmaster.owner'), 'utf8'));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function api(url: string, method: string, body?: unknown, token?: string) {
  const res = await fetch(url, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as unknown,
  };
}

async function signup(url: string): Promise<AuthResponse> {
  const r = await api(`${url}/api/v1/auth/signup`, 'POST', {
    email: `c-${randomUUID()}@example.com`,
    password: 'Correct-Horse-9',
    name: 'Crash Student',
  });
  expect(r.status).toBe(201);
  return r.body as AuthResponse;
}

describe('the server after a crash', () => {
  it('killed with SIGKILL, it starts again on the same data (its orphaned PostgreSQL stopped) and is ready', async () => {
    const first = await startServerProcess({ tty: false });
    running.push(first);
    const student = await signup(first.url);
    const orphan = postmasterPid(first);
    process.kill(serverPid(first), 'SIGKILL');
    await first.exited;
    expect(alive(orphan), 'the killed server leaves its PostgreSQL running').toBe(true);

    const second = await startServerProcess({ tty: false, dataDir: first.dataDir });
    running.push(second);
    expect(alive(orphan), 'the orphaned PostgreSQL was stopped').toBe(false);
    expect((await api(`${second.url}/ready`, 'GET')).status).toBe(200);
    // The same data: the account made before the kill signs in.
    const login = await api(`${second.url}/api/v1/auth/login`, 'POST', {
      email: student.user.email,
      password: 'Correct-Horse-9',
    });
    expect(login.status).toBe(200);
    second.interrupt('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 240_000);

  it('PostgreSQL killed: 503 with Retry-After meanwhile (never 500), ready again by itself, pushes work, fast stop', async () => {
    const s = await startServerProcess({
      tty: false,
      env: { NODE_OPTIONS: '--trace-uncaught --trace-exit' },
    });
    running.push(s);
    const student = await signup(s.url);
    const token = student.accessToken;
    const prefs = (await api(`${s.url}/api/v1/me/preferences`, 'GET', undefined, token)).body as Preferences;
    const deviceId = randomUUID();
    let seq = 0;
    const push = () =>
      api(
        `${s.url}/api/v1/sync/push`,
        'POST',
        {
          deviceId,
          mutations: [
            {
              id: randomUUID(),
              clientSeq: seq++,
              createdAt: new Date().toISOString(),
              name: 'putPreferences',
              args: { ...prefs, playbackSpeed: 1.5 },
            },
          ],
        },
        token,
      );
    expect((await push()).status).toBe(200);

    const killedAt = Date.now();
    process.kill(postmasterPid(s), 'SIGKILL');
    const wrong: string[] = [];
    let unavailable = 0;
    let readyAt = 0;
    while (Date.now() - killedAt < 30_000) {
      const answers = await Promise.all([
        api(`${s.url}/ready`, 'GET').then((r) => ({ ...r, what: 'ready' })),
        push().then((r) => ({ ...r, what: 'push' })),
        api(`${s.url}/api/v1/me`, 'GET', undefined, token).then((r) => ({ ...r, what: 'me' })),
        api(`${s.url}/api/v1/courses`, 'GET').then((r) => ({ ...r, what: 'courses' })),
      ]).catch(async (err: unknown) => {
        const exit = await Promise.race([s.exited, new Promise((r) => setTimeout(() => r('running'), 1000))]);
        throw new Error(
          `a request failed during the outage (${String(err)}, ${String((err as Error).cause)}; server: ${String(exit)}):\n${s.output()}`,
        );
      });
      for (const a of answers) {
        if (a.status === 503) {
          unavailable += 1;
          if (!a.retryAfter) wrong.push(`${a.what}: 503 without Retry-After`);
        } else if (a.status >= 500) wrong.push(`${a.what}: ${a.status} ${JSON.stringify(a.body)}`);
      }
      if (answers.every((a) => a.status === 200)) {
        readyAt = Date.now();
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const outage = readyAt - killedAt;
    console.log(
      `PostgreSQL killed: ready and pushing again after ${outage} ms; ${unavailable} answers were 503`,
    );
    expect(wrong).toEqual([]);
    expect(readyAt, s.output()).toBeGreaterThan(0);
    expect(outage).toBeLessThan(10_000);
    expect(unavailable, 'the outage was seen').toBeGreaterThan(0);
    const after = await push();
    expect(after.body).toMatchObject({ results: [{ status: 'applied' }] });
    expect(s.output()).toContain('embedded PostgreSQL restarted after a crash');

    const stopping = Date.now();
    s.interrupt('SIGTERM');
    expect(await s.exited).toBe(0);
    const stopMs = Date.now() - stopping;
    console.log(`graceful stop after the recovery: ${stopMs} ms`);
    expect(stopMs).toBeLessThan(5_000);
    expect(fs.existsSync(s.pidFile)).toBe(false);
    expect(await listening(s.pgPort)).toBe(false);
  }, 240_000);
});
