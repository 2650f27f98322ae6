import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify, errors } from 'jose';
import type { Role } from '@lyceum/contracts';
import { ApiError } from '../../http/errors.ts';

export interface AccessClaims {
  sub: string;
  role: Role;
  /** The session (refresh-token family) the token was issued for; absent in tokens issued before sessions had ids. */
  sid?: string;
}

/** Short-lived HS256 access tokens. */
export function accessTokens(secret: string, ttlSeconds: number) {
  const key = new TextEncoder().encode(secret);
  // Tokens already verified, until they expire: a client sends the same token many times a minute.
  const verified = new Map<string, { claims: AccessClaims; expMs: number }>();
  return {
    ttlSeconds,
    sign: (claims: AccessClaims) =>
      new SignJWT(claims.sid ? { role: claims.role, sid: claims.sid } : { role: claims.role })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(claims.sub)
        .setIssuedAt()
        .setIssuer('lyceum')
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key),
    async verify(token: string): Promise<AccessClaims> {
      const hit = verified.get(token);
      if (hit && hit.expMs > Date.now()) return hit.claims;
      try {
        const { payload } = await jwtVerify(token, key, { issuer: 'lyceum', algorithms: ['HS256'] });
        if (typeof payload.sub !== 'string')
          throw new ApiError('invalid_token', 'The access token is invalid');
        const claims: AccessClaims = { sub: payload.sub, role: payload.role as Role };
        if (typeof payload.sid === 'string') claims.sid = payload.sid;
        if (verified.size >= 20_000) verified.clear();
        verified.set(token, { claims, expMs: (payload.exp ?? 0) * 1000 });
        return claims;
      } catch (err) {
        if (err instanceof ApiError) throw err;
        if (err instanceof errors.JWTExpired)
          throw new ApiError('token_expired', 'The access token has expired; refresh it');
        throw new ApiError('invalid_token', 'The access token is invalid');
      }
    },
  };
}
export type AccessTokens = ReturnType<typeof accessTokens>;

/** Opaque random secrets (refresh and reset tokens); only their sha256 is stored. */
export const newSecret = (): string => randomBytes(32).toString('base64url');
export const hashSecret = (s: string): string => createHash('sha256').update(s).digest('hex');
