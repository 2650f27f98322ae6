import { and, eq, isNull, sql } from 'drizzle-orm';
import type { AuthResponse } from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { refreshTokens, users } from './tables.ts';
import { hashSecret, newSecret, type AccessTokens } from './tokens.ts';
import { toUser, type UserRow } from './dto.ts';

/** Sessions: an access token plus a rotating refresh token; a reused rotated token revokes its whole family. */
export function sessionService(db: Db, tokens: AccessTokens, refreshTtlDays: number) {
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
    const accessToken = await tokens.sign({ sub: user.id, role: user.role });
    return { user: toUser(user), accessToken, refreshToken, expiresIn: tokens.ttlSeconds };
  }

  const revokeFamily = (familyId: string) =>
    db
      .update(refreshTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));

  return {
    issue,
    revokeFamily,
    revokeAllForUser: (userId: string) =>
      db
        .update(refreshTokens)
        .set({ revokedAt: sql`now()` })
        .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt))),

    async refresh(token: string, userAgent?: string): Promise<AuthResponse> {
      const [row] = await db
        .select()
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, hashSecret(token)));
      if (!row || row.revokedAt) throw new ApiError('invalid_token', 'This session has ended; sign in again');
      if (row.rotatedAt) {
        await revokeFamily(row.familyId);
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
        await revokeFamily(row.familyId);
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
      if (row) await revokeFamily(row.familyId);
    },
  };
}
export type SessionService = ReturnType<typeof sessionService>;
