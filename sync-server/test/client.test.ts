import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, LyceumApiError, LyceumClient, type Session } from '@lyceum/client';
import { startTestServer, type TestServer } from './harness.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ACCESS_TOKEN_TTL_SECONDS: '1' });
});
afterAll(() => t.close());

describe('typed client ↔ server contract', () => {
  it('every client endpoint exists on the server with the same method and path', async () => {
    const doc = (
      await t.api<{ paths: Record<string, Record<string, { operationId: string }>> }>(
        'GET',
        '/api/openapi.json',
      )
    ).body;
    const byOp = new Map<string, string>();
    for (const [path, methods] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(methods))
        byOp.set(op.operationId, `${method.toUpperCase()} ${path}`);
    const mismatched = Object.entries(endpoints)
      .map(([op, e]) => [op, `${e.method} ${e.path.replace(/:(\w+)/g, '{$1}')}`] as const)
      .filter(([op, want]) => byOp.get(op) !== want)
      .map(([op, want]) => `${op}: client ${want}, server ${byOp.get(op) ?? 'missing'}`);
    expect(mismatched).toEqual([]);
  });

  it('signs in, refreshes an expired access token on its own, and reports typed errors', async () => {
    const sessions: (Session | null)[] = [];
    const client = new LyceumClient({ baseUrl: t.url, onSession: (s) => sessions.push(s) });
    const a = await client.signup('client@example.test', 'Sturdy-Passw0rd!', 'Client User');
    expect(a.user.email).toBe('client@example.test');
    await new Promise((r) => setTimeout(r, 2100)); // the 1-second access token expires
    const me = await client.call('getMe', {});
    expect(me.email).toBe('client@example.test');
    expect(sessions.length).toBe(2); // signup, then the transparent refresh
    expect(sessions[1]!.refreshToken).not.toBe(sessions[0]!.refreshToken);
    const err = await client
      .call('login', { body: { email: 'client@example.test', password: 'wrong-password' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LyceumApiError);
    expect((err as LyceumApiError).code).toBe('invalid_credentials');
    const down = new LyceumClient({ baseUrl: 'http://127.0.0.1:9' });
    const net = await down.call('getMe', {}).catch((e: unknown) => e);
    expect((net as LyceumApiError).code).toBe('network');
  });
});
