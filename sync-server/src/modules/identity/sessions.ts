import { and, eq, isNull, sql } from 'drizzle-orm';
import type { AuthResponse } from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { refreshTokens, users } from './tables.ts';
import { hashSecret, newSecret, type AccessTokens } from './tokens.ts';
import { toUser, type UserRow } from './dto.ts';

/** Why a session (a refresh-token family) ended; stored with it so a device can be told at its next contact. */
export type RevokeReason =
  'password_reset' | 'password_changed' | 'signed_out' | 'signed_out_everywhere' | 'disabled' | 'reused';

/** Reasons the device is told as `session_revoked` (with the reason in details); others read as `invalid_token`. */
const TOLD: Partial<Record<RevokeReason, string>> = {
  password_reset:
    'Your password was reset, which signed out every device; sign in again with the new password',
  password_changed: 'Your password was changed, which signed out your other devices; sign in again',
  signed_out_everywhere: 'You signed out on every device; sign in again',
};

/** The error for a request made with a token of an ended session. */
export function sessionEnded(reason: string | null): ApiError {
  const told = reason ? TOLD[reason as RevokeReason] : undefined;
  return told
    ? new ApiError('session_revoked', told, { reason })
    : new ApiError('invalid_token', 'This session has ended; sign in again');
}

/**
 * Sessions: an access token (carrying its session id, `sid` = the family) plus a rotating refresh token; a reused
 * rotated token revokes its whole family. `onRevoked` is told after any revocation (the authenticator forgets the
 * session states it cached, so revoked access tokens are refused at once on this node).
 */
export function sessionService(
  db: Db,
  tokens: AccessTokens,
  refreshTtlDays: number,
  onRevoked: () => void = () => undefined,
) {
  async function issue(user: UserRow, familyId: string = newId(), userAgent?: string): Promise<AuthResponse> {
    const refreshToken = newSecret();
    await db.insert(refreshTokens).values({
      id: newId(),
      familyId,
      userId: user.id,
      tokenHash: hashSecret(refreshToken),
      expiresAt: new Date(Date.now() + refreshTtlDays * 86_400_000),
      userAgent: userAgent?.slice(0, 300) ?? null,
    });
    const accessToken = await tokens.sign({ sub: user.id, role: user.role, sid: familyId });
    return { user: toUser(user), accessToken, refreshToken, expiresIn: tokens.ttlSeconds };
  }

  async function revokeFamily(familyId: string, reason: RevokeReason): Promise<void> {
    await db
      .update(refreshTokens)
      .set({ revokedAt: sql`now()`, revokeReason: reason })
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
    onRevoked();
  }

  return {
    issue,
    revokeFamily,
    /** End every session of an account: its refresh tokens and (through `sid`) its access tokens. */
    async revokeAllForUser(userId: string, reason: RevokeReason): Promise<void> {
      await db
        .update(refreshTokens)
        .set({ revokedAt: sql`now()`, revokeReason: reason })
        .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
      onRevoked();
    },

    async refresh(token: string, userAgent?: string): Promise<AuthResponse> {
      const [row] = await db
        .select()
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, hashSecret(token)));
      if (!row) throw new ApiError('invalid_token', 'This session has ended; sign in again');
      if (row.revokedAt) throw sessionEnded(row.revokeReason);
      if (row.rotatedAt) {
        await revokeFamily(row.familyId, 'reused');
        throw new ApiError(
          'refresh_token_reused',
          'This refresh token was already used; every session from it is now signed out',
        );
      }
      if (row.expiresAt.getTime() < Date.now())
        throw new ApiError('token_expired', 'This session has expired; sign in again');
      // Rotate: only one caller can claim the token; a racing second use counts as reuse.
      const claimed = await db
        .update(refreshTokens)
        .set({ rotatedAt: sql`now()` })
        .where(
          and(eq(refreshTokens.id, row.id), isNull(refreshTokens.rotatedAt), isNull(refreshTokens.revokedAt)),
        )
        .returning({ id: refreshTokens.id });
      if (claimed.length === 0) {
        await revokeFamily(row.familyId, 'reused');
        throw new ApiError(
          'refresh_token_reused',
          'This refresh token was already used; every session from it is now signed out',
        );
      }
      const [user] = await db.select().from(users).where(eq(users.id, row.userId));
      if (!user) throw new ApiError('invalid_token', 'This session has ended; sign in again');
      if (user.disabled) throw new ApiError('account_disabled', 'This account is disabled');
      return issue(user, row.familyId, userAgent);
    },

    /** End the session a refresh token belongs to (its whole family). Unknown tokens are ignored. */
    async logout(token: string): Promise<void> {
      const [row] = await db
        .select({ familyId: refreshTokens.familyId })
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, hashSecret(token)));
      if (row) await revokeFamily(row.familyId, 'reused');
    },
  };
}
export type SessionService = ReturnType<typeof sessionService>;
