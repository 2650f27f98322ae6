import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordRules, type AuthResponse, type ErrorBody } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

async function requestReset(email: string): Promise<string> {
  const before = t.mail.length;
  const r = await t.api('POST', '/api/v1/auth/password-reset/request', { body: { email } });
  expect(r.status).toBe(202);
  // Answered before the work: the email follows.
  await t.server.identity.accounts.resetRequestsIdle();
  expect(t.mail.length).toBe(before + 1);
  const text = t.mail.at(-1)!.text;
  const link = /(http\S+\/reset-password\?token=([\w-]+))/.exec(text);
  expect(link, text).not.toBeNull();
  // The email offers the same token as a code to paste into the app.
  expect(text).toContain(`paste this code:\n\n${link![2]}`);
  return link![2]!;
}

/** Post the reset page's form as a browser does. */
const postForm = (fields: Record<string, string>) =>
  t.api<string>('POST', '/reset-password', {
    body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });

describe('ending sessions on a password reset or change', () => {
  it('a reset refuses every earlier access and refresh token at its next use, saying why', async () => {
    const u = await t.user('student');
    const other = await t.api<AuthResponse>('POST', '/api/v1/auth/login', {
      body: { email: u.email, password: u.password },
    });
    expect((await t.api('GET', '/api/v1/me', { token: u.token })).status).toBe(200);

    await t.api('POST', '/api/v1/auth/password-reset/confirm', {
      body: { token: await requestReset(u.email), password: 'Fresh-Start-2026!' },
    });

    // The access tokens are still within their lifetime, yet refused: their sessions ended.
    for (const token of [u.token, other.body.accessToken]) {
      const me = await t.api<ErrorBody>('GET', '/api/v1/me', { token });
      expect(me.status).toBe(401);
      expect(me.body.error).toMatchObject({ code: 'session_revoked', details: { reason: 'password_reset' } });
      const pull = await t.api<ErrorBody>('POST', '/api/v1/sync/pull', {
        token,
        body: { deviceId: '018f0000-0000-7000-8000-000000000001', cursor: null },
      });
      expect(pull.status).toBe(401);
    }
    for (const refreshToken of [u.refreshToken, other.body.refreshToken]) {
      const r = await t.api<ErrorBody>('POST', '/api/v1/auth/refresh', { body: { refreshToken } });
      expect(r.status).toBe(401);
      expect(r.body.error).toMatchObject({ code: 'session_revoked', details: { reason: 'password_reset' } });
    }
    const fresh = await t.api<AuthResponse>('POST', '/api/v1/auth/login', {
      body: { email: u.email, password: 'Fresh-Start-2026!' },
    });
    expect((await t.api('GET', '/api/v1/me', { token: fresh.body.accessToken })).status).toBe(200);
  });

  it('a password change ends the other sessions and keeps the new one', async () => {
    const u = await t.user('student');
    const changed = await t.api<AuthResponse>('POST', '/api/v1/me/password', {
      token: u.token,
      body: { currentPassword: u.password, newPassword: 'Another-Good-One-7' },
    });
    expect(changed.status).toBe(200);
    const old = await t.api<ErrorBody>('GET', '/api/v1/me', { token: u.token });
    expect(old.body.error).toMatchObject({
      code: 'session_revoked',
      details: { reason: 'password_changed' },
    });
    const refresh = await t.api<ErrorBody>('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: u.refreshToken },
    });
    expect(refresh.body.error.code).toBe('session_revoked');
    expect((await t.api('GET', '/api/v1/me', { token: changed.body.accessToken })).status).toBe(200);
  });

  it('signing out one device leaves the others signed in', async () => {
    const u = await t.user('student');
    const second = await t.api<AuthResponse>('POST', '/api/v1/auth/login', {
      body: { email: u.email, password: u.password },
    });
    await t.api('POST', '/api/v1/auth/logout', { body: { refreshToken: second.body.refreshToken } });
    const gone = await t.api<ErrorBody>('GET', '/api/v1/me', { token: second.body.accessToken });
    expect(gone.status).toBe(401);
    expect(gone.body.error.code).toBe('invalid_token');
    expect((await t.api('GET', '/api/v1/me', { token: u.token })).status).toBe(200);
  });
});

describe('the reset page the email links to', () => {
  it('shows the password rules and a form with the token, under the strict CSP and no script', async () => {
    const u = await t.user('student');
    const token = await requestReset(u.email);
    const r = await t.api<string>('GET', `/reset-password?token=${token}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/html');
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body).toContain('<form method="post" action="/reset-password">');
    expect(r.body).toContain(`name="token" value="${token}"`);
    expect(r.body).toContain('<label for="password">New password</label>');
    for (const rule of passwordRules) expect(r.body).toContain(rule);
    expect(r.body).not.toContain('<script');
    const css = await t.api<string>('GET', '/reset-password/style.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
  });

  it('without a token says the link is incomplete', async () => {
    const r = await t.api<string>('GET', '/reset-password');
    expect(r.status).toBe(400);
    expect(r.body).toContain('Forgot password?');
  });

  it('refuses a weak or mismatched password (keeping the token usable), then sets a good one once', async () => {
    const u = await t.user('student');
    const token = await requestReset(u.email);
    const weak = await postForm({ token, password: 'short', confirm: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body).toContain('role="alert"');
    expect(weak.body).toContain('Use at least 10 characters');
    expect(weak.body).toContain('aria-invalid="true"');
    const mismatch = await postForm({ token, password: 'Good-Password-123', confirm: 'Good-Password-124' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toContain('The two passwords are not the same');

    const ok = await postForm({ token, password: 'Good-Password-123', confirm: 'Good-Password-123' });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('Your password was changed');
    const login = await t.api('POST', '/api/v1/auth/login', {
      body: { email: u.email, password: 'Good-Password-123' },
    });
    expect(login.status).toBe(200);
    expect((await t.api<ErrorBody>('GET', '/api/v1/me', { token: u.token })).status).toBe(401);

    const used = await postForm({ token, password: 'Other-Password-456', confirm: 'Other-Password-456' });
    expect(used.status).toBe(400);
    expect(used.body).toContain('invalid, already used or expired');
  });

  it('refuses a made-up or expired token', async () => {
    const bad = await postForm({
      token: 'x'.repeat(43),
      password: 'Good-Password-123',
      confirm: 'Good-Password-123',
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('invalid, already used or expired');
    const u = await t.user('student');
    const token = await requestReset(u.email);
    await t.server.database.pool.query(
      "UPDATE password_reset_tokens SET expires_at = now() - interval '1 minute' WHERE used_at IS NULL",
    );
    const expired = await postForm({ token, password: 'Good-Password-123', confirm: 'Good-Password-123' });
    expect(expired.status).toBe(400);
    expect(expired.body).toContain('invalid, already used or expired');
  });
});

describe('reset tokens', () => {
  it('using one reset token revokes every other outstanding token of the account', async () => {
    const u = await t.user('student');
    const older = await requestReset(u.email);
    const newer = await requestReset(u.email);
    expect(older).not.toBe(newer);
    const ok = await t.api('POST', '/api/v1/auth/password-reset/confirm', {
      body: { token: newer, password: 'Newest-Choice-2026!' },
    });
    expect(ok.status).toBe(204);
    const again = await t.api<ErrorBody>('POST', '/api/v1/auth/password-reset/confirm', {
      body: { token: older, password: 'Attacker-Choice-2026!' },
    });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('reset_token_invalid');
    // The password is the one set with the newer token.
    const login = await t.api('POST', '/api/v1/auth/login', {
      body: { email: u.email, password: 'Newest-Choice-2026!' },
    });
    expect(login.status).toBe(200);
  });

  it('answers a reset request as fast for an existing account as for an unknown email', async () => {
    // A mailer as slow as an SMTP round trip (40 ms): the work behind a reset must not be in the answer's time.
    const slow = await startTestServer({}, { mailDelayMs: 40 });
    try {
      // A fresh account each time: the per-account limit (5 an hour) would otherwise skip the work for later ones.
      const known = await Promise.all(Array.from({ length: 15 }, () => slow.user('student')));
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const time = async (email: string) => {
        const t0 = performance.now();
        const r = await slow.api('POST', '/api/v1/auth/password-reset/request', {
          body: { email },
          // Each from its own address: the per-IP limit is not what is measured.
          headers: {
            'x-forwarded-for': `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
          },
        });
        const ms = performance.now() - t0;
        expect(r.status).toBe(202);
        // The queued work finishes outside the measurement (it would otherwise slow the next request either way).
        await slow.server.identity.accounts.resetRequestsIdle();
        return ms;
      };
      const knownMs: number[] = [];
      const unknownMs: number[] = [];
      // Interleaved, so a slow moment of the machine hits both alike.
      for (let i = 0; i < 15; i++) {
        knownMs.push(await time(known[i]!.email));
        unknownMs.push(await time(`nobody-${i}@example.test`));
      }
      const k = median(knownMs);
      const n = median(unknownMs);
      console.log(
        `reset request median: existing account ${k.toFixed(1)} ms, unknown email ${n.toFixed(1)} ms`,
      );
      // Both emails were handled (the queue did the work).
      expect(slow.mail.map((m) => m.to).sort()).toEqual(known.map((u) => u.email).sort());
      // Awaiting the work: 40 ms more for an account (26 ms against 7 ms with the dev mailer). Now within 15 ms.
      expect(Math.abs(k - n)).toBeLessThan(15);
    } finally {
      await slow.close();
    }
  });
});
