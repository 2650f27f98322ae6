import type { Request } from 'express';
import { eq } from 'drizzle-orm';
import type { Role } from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import type { Authenticator } from '../../http/register.ts';
import type { Caller } from '../../http/route.ts';
import { users } from './tables.ts';
import type { AccessTokens } from './tokens.ts';

interface Status {
  role: Role;
  disabled: boolean;
  at: number;
}

/**
 * Resolves the bearer token to a caller. The account's current role and disabled flag come from the
 * database (cached a few seconds), so a demotion or a disable takes effect without waiting for token expiry.
 */
export function bearerAuthenticator(db: Db, tokens: AccessTokens, cacheMs = 5000) {
  const cache = new Map<string, Status>();
  async function status(id: string): Promise<Status | null> {
    const hit = cache.get(id);
    if (hit && Date.now() - hit.at < cacheMs) return hit;
    const [row] = await db
      .select({ role: users.role, disabled: users.disabled })
      .from(users)
      .where(eq(users.id, id));
    if (!row) return null;
    const s = { ...row, at: Date.now() };
    if (cache.size > 50_000) cache.clear();
    cache.set(id, s);
    return s;
  }
  const auth: Authenticator & { forget(id: string): void } = {
    forget: (id) => void cache.delete(id),
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
      return { id: claims.sub, role: s.role };
    },
  };
  return auth;
}
