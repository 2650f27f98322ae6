import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthResponse, ErrorBody } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const signup = (email: string, password = 'Tr1cky-Passw0rd', name = 'Ada Lovelace') =>
  t.api<AuthResponse & ErrorBody>('POST', '/api/v1/auth/signup', { body: { email, password, name } });

describe('signup and login', () => {
  it('creates a student account and signs it in', async () => {
    const r = await signup('Ada@Example.test');
    expect(r.status).toBe(201);
    expect(r.body.user).toMatchObject({ email: 'ada@example.test', role: 'student', name: 'Ada Lovelace' });
    const me = await t.api<{ email: string }>('GET', '/api/v1/me', { token: r.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.email).toBe('ada@example.test');
  });

  it('refuses a second account with the same email, in any case', async () => {
    await signup('dup@example.test');
    const r = await signup('DUP@example.test');
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('email_taken');
  });

  it('enforces a minimum password strength', async () => {
    for (const pw of ['short1!', 'lowercaseonly', 'password123']) {
      const r = await signup(`weak-${pw.length}@example.test`, pw);
      expect(r.status, pw).toBe(400);
      expect(r.body.error.code).toBe('weak_password');
    }
  });

  it('logs in, and a wrong password gives invalid_credentials', async () => {
    await signup('login@example.test');
    const ok = await t.api<AuthResponse>('POST', '/api/v1/auth/login', {
      body: { email: 'login@example.test', password: 'Tr1cky-Passw0rd' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.accessToken).toMatch(/^ey/);
    const bad = await t.api<ErrorBody>('POST', '/api/v1/auth/login', {
      body: { email: 'login@example.test', password: 'nope-nope-nope' },
    });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('invalid_credentials');
    const unknown = await t.api<ErrorBody>('POST', '/api/v1/auth/login', {
      body: { email: 'ghost@example.test', password: 'nope-nope-nope' },
    });
    expect(unknown.body.error.code).toBe('invalid_credentials');
  });
});

describe('refresh token rotation', () => {
  it('rotates, and reusing a rotated token revokes the whole family', async () => {
    const s = await signup('rot@example.test');
    const r1 = await t.api<AuthResponse>('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: s.body.refreshToken },
    });
    expect(r1.status).toBe(200);
    expect(r1.body.refreshToken).not.toBe(s.body.refreshToken);
    const reuse = await t.api<ErrorBody>('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: s.body.refreshToken },
    });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe('refresh_token_reused');
    // The legitimate newest token of that family is revoked too.
    const r2 = await t.api<ErrorBody>('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: r1.body.refreshToken },
    });
    expect(r2.status).toBe(401);
    expect(r2.body.error.code).toBe('invalid_token');
  });

  it('logout ends the session', async () => {
    const s = await signup('out@example.test');
    const out = await t.api('POST', '/api/v1/auth/logout', { body: { refreshToken: s.body.refreshToken } });
    expect(out.status).toBe(204);
    const r = await t.api<ErrorBody>('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: s.body.refreshToken },
    });
    expect(r.body.error.code).toBe('invalid_token');
  });
});

describe('password reset', () => {
  it('answers 202 for unknown emails and sends nothing', async () => {
    const before = t.mail.length;
    const r = await t.api('POST', '/api/v1/auth/password-reset/request', {
      body: { email: 'nobody@example.test' },
    });
    expect(r.status).toBe(202);
    await t.server.identity.accounts.resetRequestsIdle();
    expect(t.mail.length).toBe(before);
  });

  it('emails a single-use token that sets a new password and ends every session', async () => {
    const s = await signup('reset@example.test');
    const r = await t.api('POST', '/api/v1/auth/password-reset/request', {
      body: { email: 'reset@example.test' },
    });
    expect(r.status).toBe(202);
    await t.server.identity.accounts.resetRequestsIdle();
    const mail = t.mail.at(-1)!;
    expect(mail.to).toBe('reset@example.test');
    const token = /token=([\w-]+)/.exec(mail.text)![1]!;
    const weak = await t.api<ErrorBody>('POST', '/api/v1/auth/password-reset/confirm', {
      body: { token, password: 'weak' },
    });
    expect(weak.body.error.code).toBe('weak_password');
    const ok = await t.api('POST', '/api/v1/auth/password-reset/confirm', {
      body: { token, password: 'Brand-New-Secret-9' },
    });
    expect(ok.status).toBe(204);
    const again = await t.api<ErrorBody>('POST', '/api/v1/auth/password-reset/confirm', {
      body: { token, password: 'Another-Secret-99' },
    });
    expect(again.body.error.code).toBe('reset_token_invalid');
    const old = await t.api<ErrorBody>('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: s.body.refreshToken },
    });
    expect(old.status).toBe(401);
    const login = await t.api('POST', '/api/v1/auth/login', {
      body: { email: 'reset@example.test', password: 'Brand-New-Secret-9' },
    });
    expect(login.status).toBe(200);
  });
});

describe('failed logins slow down, then lock', () => {
  it('answers too_many_attempts after 5 failures and account_locked after 10', async () => {
    await signup('brute@example.test');
    const codes: string[] = [];
    for (let i = 0; i < 30 && codes.at(-1) !== 'account_locked'; i++) {
      const r = await t.api<ErrorBody>('POST', '/api/v1/auth/login', {
        body: { email: 'brute@example.test', password: `wrong-${i}` },
      });
      codes.push(r.body.error.code);
      if (r.body.error.code === 'too_many_attempts') {
        // Wait out the slow-down the server asks for, as a patient attacker would.
        const retry = Number(r.headers.get('retry-after'));
        expect(retry).toBeGreaterThan(0);
        await t.server.database.pool.query(
          "UPDATE login_throttle SET last_failure_at = last_failure_at - make_interval(secs => $1) WHERE key = 'account:brute@example.test'",
          [retry + 1],
        );
      }
    }
    expect(codes.slice(0, 5)).toEqual(Array(5).fill('invalid_credentials'));
    expect(codes).toContain('too_many_attempts');
    expect(codes.filter((c) => c === 'invalid_credentials')).toHaveLength(10);
    expect(codes.at(-1)).toBe('account_locked');
    // Even the right password is refused while locked.
    const right = await t.api<ErrorBody>('POST', '/api/v1/auth/login', {
      body: { email: 'brute@example.test', password: 'Tr1cky-Passw0rd' },
    });
    expect(right.status).toBe(423);
  });
});

describe('failed logins from one network', () => {
  it('slow down every account tried from that IP after 20 failures, even a right password elsewhere', async () => {
    // Start from a clean slate for this network (earlier tests failed logins from 127.0.0.1 too).
    await t.server.database.pool.query("DELETE FROM login_throttle WHERE key LIKE 'ip:%'");
    // A password spray: one wrong guess each against many accounts, all from 127.0.0.1.
    const before = await t.api<ErrorBody>('POST', '/api/v1/auth/login', {
      body: { email: 'spray-0@example.test', password: 'guess-0' },
    });
    expect(before.body.error.code).toBe('invalid_credentials');
    for (let i = 1; i < 20; i++)
      await t.api('POST', '/api/v1/auth/login', {
        body: { email: `spray-${i}@example.test`, password: `guess-${i}` },
      });
    await signup('victim@example.test');
    const r = await t.api<ErrorBody>('POST', '/api/v1/auth/login', {
      body: { email: 'victim@example.test', password: 'Tr1cky-Passw0rd' },
    });
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe('too_many_attempts');
    expect((r.body.error.details as { scope: string }).scope).toBe('ip');
    // Once the network's failures age out of the window, the right password works again.
    await t.server.database.pool.query(
      "UPDATE login_throttle SET last_failure_at = now() - interval '16 minutes' WHERE key LIKE 'ip:%'",
    );
    const later = await t.api('POST', '/api/v1/auth/login', {
      body: { email: 'victim@example.test', password: 'Tr1cky-Passw0rd' },
    });
    expect(later.status).toBe(200);
  });
});
