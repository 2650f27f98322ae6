import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import { loginThrottle } from './tables.ts';

export interface ThrottlePolicy {
  /** Failures before each further attempt must wait (2^(n - slowAfter) seconds). */
  slowAfter: number;
  /** Failures before the key is locked for lockMinutes. */
  lockAfter: number;
  lockMinutes: number;
  /** Failures older than this are forgotten. */
  windowMinutes: number;
}

export const accountPolicy: ThrottlePolicy = {
  slowAfter: 5,
  lockAfter: 10,
  lockMinutes: 15,
  windowMinutes: 15,
};
export const ipPolicy: ThrottlePolicy = { slowAfter: 20, lockAfter: 50, lockMinutes: 15, windowMinutes: 15 };

/** Slows down, then locks, repeated failed logins per account and per IP; state lives in PostgreSQL so every API node agrees. */
export function loginThrottler(db: Db, policies = { account: accountPolicy, ip: ipPolicy }) {
  const keyOf = (email: string, ip: string) => ({ account: `account:${email}`, ip: `ip:${ip}` });
  return {
    async check(email: string, ip: string): Promise<void> {
      const keys = keyOf(email, ip);
      const rows = await db
        .select()
        .from(loginThrottle)
        .where(inArray(loginThrottle.key, [keys.account, keys.ip]));
      const now = Date.now();
      for (const row of rows) {
        const policy = row.key === keys.account ? policies.account : policies.ip;
        if (now - row.lastFailureAt.getTime() > policy.windowMinutes * 60_000 && !row.lockedUntil) continue;
        if (row.lockedUntil && row.lockedUntil.getTime() > now) {
          const retry = Math.ceil((row.lockedUntil.getTime() - now) / 1000);
          throw new ApiError(
            'account_locked',
            row.key === keys.account
              ? 'Too many failed sign-ins: this account is locked for a while, or reset your password'
              : 'Too many failed sign-ins from this network: try again later',
            { retryAfterSeconds: retry, scope: row.key === keys.account ? 'account' : 'ip' },
            { 'retry-after': String(retry) },
          );
        }
        if (row.lockedUntil) continue; // lock expired: the next failure starts from the current count
        if (row.failures >= policy.slowAfter) {
          const waitMs = 2 ** (row.failures - policy.slowAfter) * 1000;
          const readyAt = row.lastFailureAt.getTime() + waitMs;
          if (readyAt > now) {
            const retry = Math.ceil((readyAt - now) / 1000);
            throw new ApiError(
              'too_many_attempts',
              'Too many failed sign-ins: wait before trying again',
              { retryAfterSeconds: retry, scope: row.key === keys.account ? 'account' : 'ip' },
              { 'retry-after': String(retry) },
            );
          }
        }
      }
    },
    async recordFailure(email: string, ip: string): Promise<void> {
      const keys = keyOf(email, ip);
      for (const [key, policy] of [
        [keys.account, policies.account],
        [keys.ip, policies.ip],
      ] as const) {
        await db.execute(sql`
          INSERT INTO login_throttle (key, failures, last_failure_at, locked_until)
          VALUES (${key}, 1, now(), NULL)
          ON CONFLICT (key) DO UPDATE SET
            failures = CASE
              WHEN login_throttle.locked_until IS NOT NULL AND login_throttle.locked_until <= now() THEN 1
              WHEN login_throttle.last_failure_at < now() - make_interval(mins => ${policy.windowMinutes}) THEN 1
              ELSE login_throttle.failures + 1 END,
            last_failure_at = now(),
            locked_until = CASE
              WHEN login_throttle.locked_until IS NOT NULL AND login_throttle.locked_until <= now() THEN NULL
              WHEN login_throttle.failures + 1 >= ${policy.lockAfter}
                AND login_throttle.last_failure_at >= now() - make_interval(mins => ${policy.windowMinutes})
                THEN now() + make_interval(mins => ${policy.lockMinutes})
              ELSE login_throttle.locked_until END`);
      }
    },
    async recordSuccess(email: string): Promise<void> {
      await db.delete(loginThrottle).where(inArray(loginThrottle.key, [`account:${email}`]));
    },
    /** Clear an account's lock (after a password reset). */
    async clearAccount(email: string): Promise<void> {
      await db.delete(loginThrottle).where(inArray(loginThrottle.key, [`account:${email}`]));
    },
  };
}
export type LoginThrottler = ReturnType<typeof loginThrottler>;
