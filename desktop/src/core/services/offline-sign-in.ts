import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { User } from '@lyceum/contracts';
import { CoreError } from '../errors.ts';
import { ServerUnreachable } from '../server/errors.ts';
import type { OfflineVerifierRepo } from '../store/offline-verifiers.ts';

/**
 * Offline sign-in. At each successful online sign-in the core stores a verifier of the password: scrypt with a
 * 16-byte random salt and N=2^17, r=8, p=1 (128 MiB, about 0.35 s on a 2-core machine), stored as
 * `scrypt$N$r$p$salt$hash` — never the password. Offline, a sign-in is checked against it. Wrong passwords are
 * throttled on the device: 5 tries, then a lock of 30 s that doubles with each further failure (15 min at most),
 * kept in SQLite so restarting the app does not reset it.
 */

const N = 2 ** 17;
const R = 8;
const P = 1;
const KEYLEN = 32;
const MAXMEM = 256 * 1024 * 1024;
export const FREE_ATTEMPTS = 5;
const FIRST_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;

const scrypt = (pw: string, salt: Buffer, len: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(pw.normalize('NFC'), salt, len, opts, (e, k) => (e ? reject(e) : resolve(k))),
  );

export async function makeVerifier(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, { N, r: R, p: P, maxmem: MAXMEM });
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function checkVerifier(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: MAXMEM,
  });
  return timingSafeEqual(key, expected);
}

/** How long the device refuses offline attempts after `failures` wrong ones (0 while some are left). */
export function lockFor(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  return Math.min(MAX_LOCK_MS, FIRST_LOCK_MS * 2 ** (failures - FREE_ATTEMPTS));
}

export function offlineSignIn(deps: { verifiers: OfflineVerifierRepo; now?: () => number }) {
  const now = deps.now ?? Date.now;
  return {
    /** After a successful online sign-in: remember a verifier of this password for this account. */
    async remember(user: User, password: string): Promise<void> {
      deps.verifiers.put(user, await makeVerifier(password), new Date(now()));
    },

    /** Whether this account can sign in on this device without a connection. */
    knows: (userId: string): boolean => deps.verifiers.hasUser(userId),

    /** The password no longer holds (changed on the server): no offline sign-in with it. */
    forget: (userId: string): void => deps.verifiers.removeForUser(userId),

    /** Signed out offline: the server is asked to end that session at the next contact. */
    queueRevocation: (refreshToken: string): void =>
      deps.verifiers.queueRevocation(refreshToken, new Date(now())),

    /** Tell the server about the sessions signed out offline (kept for later while it is unreachable). */
    async flushRevocations(logout: (refreshToken: string) => Promise<unknown>): Promise<void> {
      try {
        for (const pending of deps.verifiers.pendingRevocations()) {
          try {
            await logout(pending.token);
          } catch (err) {
            if (err instanceof ServerUnreachable) return;
          }
          pending.done();
        }
      } catch {
        // Best effort (e.g. the store closed meanwhile): the queue is tried again at the next contact.
      }
    },

    /** Check a sign-in offline; the account as last seen online, or a CoreError saying why not. */
    async verify(email: string, password: string): Promise<User> {
      const v = deps.verifiers.get(email);
      if (!v)
        throw new CoreError(
          'offline',
          'You are offline, and this account has not signed in on this device before. The first sign-in needs a connection; after that you can also sign in here offline.',
          { reason: 'not_on_this_device' },
        );
      const wait = v.lockedUntil ? v.lockedUntil.getTime() - now() : 0;
      if (wait > 0) {
        const seconds = Math.ceil(wait / 1000);
        throw new CoreError(
          'too_many_attempts',
          `Too many wrong passwords. Wait ${seconds} seconds before trying again offline, or connect to sign in online.`,
          { retryAfterSeconds: seconds },
        );
      }
      if (await checkVerifier(password, v.verifier)) {
        if (v.failures > 0) deps.verifiers.setThrottle(v.email, 0, null);
        return v.user;
      }
      const failures = v.failures + 1;
      const lock = lockFor(failures);
      deps.verifiers.setThrottle(v.email, failures, lock ? new Date(now() + lock) : null);
      const left = Math.max(0, FREE_ATTEMPTS - failures);
      throw new CoreError(
        'invalid_credentials',
        lock
          ? `That password does not match the one last used on this device. Wait ${Math.ceil(lock / 1000)} seconds before trying again offline.`
          : `That password does not match the one last used on this device (${left} ${left === 1 ? 'try' : 'tries'} left before a wait).`,
        { attemptsLeft: left, retryAfterSeconds: lock ? Math.ceil(lock / 1000) : 0 },
      );
    },
  };
}
export type OfflineSignIn = ReturnType<typeof offlineSignIn>;
