import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { LYCEUM_ACCOUNT_HOME, VERBS, activityIri, type AuthResponse } from '@lyceum/contracts';
import { hasScript, listening, startServerProcess, type ServerProcess } from '../server-process.ts';

/**
 * The server as a person starts and stops it (`npm run start:server`, Ctrl-C): readable logs in a terminal, JSON
 * elsewhere, and an orderly stop — exit 0, no warning or stack trace, PostgreSQL stopped last and gone — with the
 * analytics processor thread and the stream listener busy when the stop comes.
 */

let running: ServerProcess | null = null;
afterEach(() => {
  running?.kill();
  running = null;
});

async function post<T>(url: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return (await res.json()) as T;
}

/** A student signs up (platform events through the outbox) and uploads lesson completions (learning events). */
async function flowEvents(url: string): Promise<void> {
  const auth = await post<AuthResponse>(`${url}/api/v1/auth/signup`, {
    email: `s-${randomUUID()}@example.com`,
    password: 'Correct-Horse-9',
    name: 'Stopping Student',
  });
  const course = randomUUID();
  const statements = Array.from({ length: 5 }, (_, i) => ({
    id: randomUUID(),
    actor: { account: { homePage: LYCEUM_ACCOUNT_HOME, name: auth.user.id } },
    verb: { id: VERBS.completed },
    object: { id: activityIri.lesson(course, randomUUID()) },
    result: { completion: true },
    context: { contextActivities: { parent: [{ id: activityIri.course(course) }] } },
    timestamp: new Date(Date.now() - (10 - i) * 60_000).toISOString(),
  }));
  await post(
    `${url}/api/v1/analytics/events`,
    { deviceId: 'start-stop', sentAt: new Date().toISOString(), statements },
    auth.accessToken,
  );
  // The processor thread has consumed them: it woke on the stream listener's NOTIFY (or its poll).
  const processed = async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    return Number(/^lyceum_events_processed_total\{[^}]*\} (\d+)/m.exec(text)?.[1] ?? 0);
  };
  await expect.poll(processed, { timeout: 20_000 }).toBeGreaterThanOrEqual(5);
}

/** Lines a person would read as something having gone wrong. */
const alarming = (output: string) =>
  output.split('\n').filter((l) => /WARN|ERROR|FATAL|Error|^\s+at |"level":[456]0/.test(l));

async function expectOrderlyStop(s: ServerProcess): Promise<void> {
  const started = Date.now();
  const code = await Promise.race([
    s.exited,
    new Promise((r) => setTimeout(() => r('still running after 10 s'), 10_000)),
  ]);
  expect(code, s.output()).toBe(0);
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(alarming(s.output())).toEqual([]);
  expect(fs.existsSync(s.pidFile), 'postmaster.pid is left behind').toBe(false);
  expect(await listening(s.pgPort), 'PostgreSQL still accepts connections').toBe(false);
}

describe('starting and stopping the sync server', () => {
  it.skipIf(!hasScript)(
    'in a terminal: one readable line per log record, and Ctrl-C stops it cleanly while analytics are busy',
    async () => {
      running = await startServerProcess({ tty: true });
      const s = running;
      await flowEvents(s.url);
      const logLines = s
        .output()
        .split('\n')
        .filter((l) => /^\[\d\d:\d\d:\d\d(\.\d+)?\] [A-Z]+/.test(l));
      expect(
        logLines.some((l) => l.includes('INFO: starting embedded PostgreSQL')),
        s.output(),
      ).toBe(true);
      expect(s.output()).not.toContain('{"level"');
      // The banner comes once start-up is complete (processor, scheduler, sources), which may be after the HTTP
      // port already answers.
      await expect.poll(() => s.output(), { timeout: 30_000 }).toContain('Lyceum sync server ready at');
      s.interrupt();
      await expectOrderlyStop(s);
      expect(s.output()).toMatch(/INFO: shutting down.*SIGINT/);
    },
    180_000,
  );

  it('without a terminal: JSON log lines (for log collectors), and SIGTERM stops it cleanly', async () => {
    running = await startServerProcess({ tty: false });
    const s = running;
    await flowEvents(s.url);
    const records = s
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(records.map((r) => r.msg)).toContain('starting embedded PostgreSQL');
    s.interrupt('SIGTERM');
    await expectOrderlyStop(s);
  }, 180_000);

  it('LOG_FORMAT=pretty: readable lines without a terminal too', async () => {
    running = await startServerProcess({ tty: false, env: { LOG_FORMAT: 'pretty', LOG_LEVEL: 'info' } });
    expect(running.output()).toMatch(/^\[\d\d:\d\d:\d\d(\.\d+)?\] INFO: starting embedded PostgreSQL/m);
    expect(running.output()).not.toContain('{"level"');
    running.interrupt('SIGINT');
    await expectOrderlyStop(running);
  }, 180_000);
});
