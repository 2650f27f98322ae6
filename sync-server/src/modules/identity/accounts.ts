import { and, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { defaultPreferences, Preferences, type AuthResponse, type User } from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Mailer } from '../../lib/mailer.ts';
import { hashPassword, passwordProblems, verifyPassword } from './passwords.ts';
import { hashSecret, newSecret } from './tokens.ts';
import { passwordResetTokens, users } from './tables.ts';
import { toUser, type UserRow } from './dto.ts';
import type { SessionService } from './sessions.ts';
import type { LoginThrottler } from './throttle.ts';
import { backgroundQueue } from '../../lib/background-queue.ts';
import type { Logger } from 'pino';

// A real hash of a throwaway password, so a login for an unknown email costs the same time as a wrong password.
const dummyHash = hashPassword('not-a-real-password-0');

function requireStrong(password: string, ctx: { email?: string; name?: string }) {
  const problems = passwordProblems(password, ctx);
  if (problems.length) throw new ApiError('weak_password', 'Choose a stronger password', { problems });
}

export interface AccountDeps {
  db: Db;
  sessions: SessionService;
  throttle: LoginThrottler;
  mailer: Mailer;
  publicUrl: string;
  onUserChanged: (id: string) => void;
  logger: Logger;
}

export function accountService({
  db,
  sessions,
  throttle,
  mailer,
  publicUrl,
  onUserChanged,
  logger,
}: AccountDeps) {
  // Reset requests are answered before any lookup, token or mail work, so an existing account and an unknown email
  // take the same time to answer; the work runs here, one request after another.
  const resets = backgroundQueue(logger, 'password reset request', 1000);
  const findByEmail = async (email: string) =>
    (await db.select().from(users).where(eq(users.email, email)))[0];
  const findById = async (id: string) => (await db.select().from(users).where(eq(users.id, id)))[0];

  async function requireUser(id: string): Promise<UserRow> {
    const u = await findById(id);
    if (!u) throw new ApiError('not_found', 'User not found');
    return u;
  }

  async function sendPasswordReset(email: string): Promise<void> {
    const user = await findByEmail(email);
    if (!user || user.disabled) return;
    const recent = await db
      .select({ n: sql<number>`count(*)` })
      .from(passwordResetTokens)
      .where(
        and(
          eq(passwordResetTokens.userId, user.id),
          gt(passwordResetTokens.createdAt, sql`now() - interval '1 hour'`),
        ),
      );
    if ((recent[0]?.n ?? 0) >= 5) return;
    const token = newSecret();
    await db.insert(passwordResetTokens).values({
      tokenHash: hashSecret(token),
      userId: user.id,
      expiresAt: new Date(Date.now() + 30 * 60_000),
    });
    const link = `${publicUrl}/reset-password?token=${token}`;
    await mailer.send({
      to: user.email,
      subject: 'Reset your Lyceum password',
      text: [
        `Hello ${user.name},`,
        '',
        'Someone (hopefully you) asked to reset your Lyceum password.',
        'Open this link within 30 minutes to choose a new password:',
        '',
        link,
        '',
        'Or, in the Lyceum app, on the "Forgot password?" screen, paste this code:',
        '',
        token,
        '',
        'The link and the code work once. A new password signs out every device signed in to your account.',
        'If you did not ask, ignore this email; your password stays as it is.',
        '',
      ].join('\n'),
    });
  }

  return {
    findById,
    findByEmail,
    requireUser,

    /** Names and emails of several users at once (rosters, reports, gradebooks). */
    async contactsByIds(ids: string[]): Promise<Map<string, { name: string; email: string }>> {
      if (ids.length === 0) return new Map();
      const rows = await db
        .select({ id: users.id, name: users.name, email: users.email })
        .from(users)
        .where(inArray(users.id, ids));
      return new Map(rows.map((r) => [r.id, { name: r.name, email: r.email }]));
    },

    /** Display names of several users at once (for instructor names, rosters). */
    async namesByIds(ids: string[]): Promise<Map<string, string>> {
      if (ids.length === 0) return new Map();
      const rows = await db
        .select({ id: users.id, name: users.name })
        .from(users)
        .where(inArray(users.id, ids));
      return new Map(rows.map((r) => [r.id, r.name]));
    },

    async createUser(input: {
      email: string;
      password: string;
      name: string;
      role?: UserRow['role'];
    }): Promise<UserRow> {
      requireStrong(input.password, input);
      const passwordHash = await hashPassword(input.password);
      const rows = await db
        .insert(users)
        .values({
          id: newId(),
          email: input.email,
          name: input.name,
          passwordHash,
          role: input.role ?? 'student',
        })
        .onConflictDoNothing({ target: users.email })
        .returning();
      if (!rows[0]) throw new ApiError('email_taken', 'An account with this email already exists');
      return rows[0];
    },

    async login(email: string, password: string, ip: string, userAgent?: string): Promise<AuthResponse> {
      await throttle.check(email, ip);
      const user = await findByEmail(email);
      const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash));
      if (!user || !ok) {
        await throttle.recordFailure(email, ip);
        throw new ApiError('invalid_credentials', 'The email or password is wrong');
      }
      if (user.disabled) throw new ApiError('account_disabled', 'This account is disabled');
      await throttle.recordSuccess(email);
      return sessions.issue(user, undefined, userAgent);
    },

    /**
     * Always succeeds from the caller's view, so nobody can learn which emails have accounts: the request is queued
     * and answered at once, the same way for every email (the lookup, token and mail happen afterwards).
     */
    requestPasswordReset(email: string): void {
      resets.push(() => sendPasswordReset(email));
    },

    /** Settles when every queued reset request has been handled (tests, orderly shutdown). */
    resetRequestsIdle: () => resets.idle(),

    async confirmPasswordReset(token: string, password: string): Promise<void> {
      const [row] = await db
        .update(passwordResetTokens)
        .set({ usedAt: sql`now()` })
        .where(
          and(
            eq(passwordResetTokens.tokenHash, hashSecret(token)),
            isNull(passwordResetTokens.usedAt),
            gt(passwordResetTokens.expiresAt, sql`now()`),
          ),
        )
        .returning();
      if (!row)
        throw new ApiError(
          'reset_token_invalid',
          'This reset link is invalid, used or expired; ask for a new one',
        );
      const user = await requireUser(row.userId);
      try {
        requireStrong(password, user);
      } catch (err) {
        // Give the token back so the user can retry with a stronger password.
        await db
          .update(passwordResetTokens)
          .set({ usedAt: null })
          .where(eq(passwordResetTokens.tokenHash, row.tokenHash));
        throw err;
      }
      await db
        .update(users)
        .set({ passwordHash: await hashPassword(password), updatedAt: sql`now()` })
        .where(eq(users.id, user.id));
      // Every other link or code sent to this account stops working too: an older email cannot reset it again.
      await db
        .update(passwordResetTokens)
        .set({ usedAt: sql`now()` })
        .where(and(eq(passwordResetTokens.userId, user.id), isNull(passwordResetTokens.usedAt)));
      await sessions.revokeAllForUser(user.id, 'password_reset');
      await throttle.clearAccount(user.email);
    },

    async changePassword(
      userId: string,
      current: string,
      next: string,
      userAgent?: string,
    ): Promise<AuthResponse> {
      const user = await requireUser(userId);
      if (!(await verifyPassword(current, user.passwordHash)))
        throw new ApiError('invalid_credentials', 'The current password is wrong');
      requireStrong(next, user);
      await db
        .update(users)
        .set({ passwordHash: await hashPassword(next), updatedAt: sql`now()` })
        .where(eq(users.id, userId));
      await sessions.revokeAllForUser(userId, 'password_changed');
      return sessions.issue(user, undefined, userAgent);
    },

    async updateProfile(
      userId: string,
      patch: { name?: string; bio?: string; avatarUrl?: string | null },
    ): Promise<User> {
      const [row] = await db
        .update(users)
        .set({ ...patch, updatedAt: sql`now()` })
        .where(eq(users.id, userId))
        .returning();
      if (!row) throw new ApiError('not_found', 'User not found');
      onUserChanged(userId);
      return toUser(row);
    },

    async getPreferences(userId: string): Promise<Preferences> {
      const user = await requireUser(userId);
      const stored = Preferences.partial().safeParse(user.preferences);
      const merged = { ...defaultPreferences, ...(stored.success ? stored.data : {}) };
      merged.notifications = {
        ...defaultPreferences.notifications,
        ...(stored.success ? stored.data.notifications : {}),
      };
      return merged;
    },

    async putPreferences(userId: string, prefs: Preferences): Promise<Preferences> {
      await db
        .update(users)
        .set({ preferences: prefs, updatedAt: sql`now()` })
        .where(eq(users.id, userId));
      return prefs;
    },
  };
}
export type AccountService = ReturnType<typeof accountService>;
