import type { Request } from 'express';
import { desc, eq } from 'drizzle-orm';
import type { Role } from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import type { Authenticator } from '../../http/register.ts';
import type { Caller } from '../../http/route.ts';
import { refreshTokens, users } from './tables.ts';
import { sessionEnded } from './sessions.ts';
import type { AccessTokens } from './tokens.ts';

interface Status {
  role: Role;
  disabled: boolean;
  at: number;
}

/** Whether a session (refresh-token family) was ended, and why; cached like the account status. */
interface SessionStatus {
  revoked: boolean;
  reason: string | null;
  at: number;
}

/**
 * Resolves the bearer token to a caller. The account's current role and disabled flag come from the
 * database (cached a few seconds), so a demotion or a disable takes effect without waiting for token expiry.
 * So does the end of the token's session (`sid`): after a password reset or change, the access tokens of the
 * ended sessions are refused at their next use (`session_revoked`), not when they expire.
 */
export function bearerAuthenticator(db: Db, tokens: AccessTokens, cacheMs = 5000) {
  const cache = new Map<string, Status>();
  // Bumped by every forget: a read that began before it does not cache what may already be stale.
  let generation = 0;
  async function status(id: string): Promise<Status | null> {
    const hit = cache.get(id);
    if (hit && Date.now() - hit.at < cacheMs) return hit;
    const gen = generation;
    const [row] = await db
      .select({ role: users.role, disabled: users.disabled })
      .from(users)
      .where(eq(users.id, id));
    if (!row) return null;
    const s = { ...row, at: Date.now() };
    if (cache.size > 50_000) cache.clear();
    if (gen === generation) cache.set(id, s);
    return s;
  }
  const sessions = new Map<string, SessionStatus>();
  async function session(sid: string): Promise<SessionStatus> {
    const hit = sessions.get(sid);
    if (hit && Date.now() - hit.at < cacheMs) return hit;
    const gen = generation;
    // The family's newest token tells whether the session is alive (a revocation marks every token of it).
    const [row] = await db
      .select({ revokedAt: refreshTokens.revokedAt, reason: refreshTokens.revokeReason })
      .from(refreshTokens)
      .where(eq(refreshTokens.familyId, sid))
      .orderBy(desc(refreshTokens.createdAt))
      .limit(1);
    const s = { revoked: !row || row.revokedAt !== null, reason: row?.reason ?? null, at: Date.now() };
    if (sessions.size > 50_000) sessions.clear();
    if (gen === generation) sessions.set(sid, s);
    return s;
  }
  const auth: Authenticator & { forget(id: string): void; forgetSessions(): void } = {
    forget: (id) => {
      generation += 1;
      cache.delete(id);
    },
    /** Drop the cached session states (after a revocation, on this node or — through the cluster bus — another). */
    forgetSessions: () => {
      generation += 1;
      sessions.clear();
    },
    async authenticate(req: Request): Promise<Caller | null> {
      const header = req.headers.authorization;
      if (!header) return null;
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m?.[1])
        throw new ApiError('invalid_token', 'Send the access token as "Authorization: Bearer <token>"');
      const claims = await tokens.verify(m[1]);
      const s = await status(claims.sub);
      if (!s) throw new ApiError('invalid_token', 'The account behind this token no longer exists');
      if (s.disabled) throw new ApiError('account_disabled', 'This account is disabled');
      if (claims.sid) {
        const live = await session(claims.sid);
        if (live.revoked) throw sessionEnded(live.reason);
      }
      return { id: claims.sub, role: s.role };
    },
  };
  return auth;
}
